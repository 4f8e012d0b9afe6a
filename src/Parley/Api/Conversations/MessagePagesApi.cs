using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Conversations;
using Parley.Errors;
using Parley.Storage;

namespace Parley.Api.Conversations;

/// <summary>
/// <c>GET /api/conversations/{id}/messages</c>: a long conversation in pages (docs/api.md). The active branch is resolved
/// here (a requested version, else the saved branch, else the newest message) and served newest turns first, with a
/// cursor for older ones; a conversation that fits in one page comes whole. <c>GET /api/conversations/{id}</c> still
/// answers with every message.
/// </summary>
public static class MessagePagesApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapMessagePages(this RouteGroupBuilder group)
    {
        group.MapGet("/{id}/messages", GetPage);
        return group;
    }

    /// <summary><c>limit</c>: branch messages per page; <c>before</c>: a page's <c>olderCursor</c>; <c>leaf</c>: show the branch through this message.</summary>
    public static async Task<Ok<MessagePageDto>> GetPage(
        HttpContext context, string id, IConversationStore store, int? limit, string? before, string? leaf, CancellationToken cancellationToken)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"limit must be 1 to {MaxLimit}, not {size}.");
        var conversation = await ConversationsApi.Require(store, context, id, cancellationToken);
        var nodes = await store.GetMessageTreeAsync(id, cancellationToken);
        if (leaf is not null && !nodes.Any(m => m.Id == leaf))
            throw new ParleyException(ErrorCodes.MessageNotFound, 404, $"leaf names no message of this conversation: there is no message '{leaf}'.");
        var leafId = BranchPage.ResolveLeaf(nodes, leaf, conversation.SelectedLeafId);
        var page = BranchPage.Of(nodes, leafId, before, size)
            ?? throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"before must be an olderCursor of this branch; '{before}' is not on it.");
        var read = page.Complete ? await store.GetMessagesAsync(id, cancellationToken) : await store.GetMessagesAsync(id, page.Ids, cancellationToken);
        var byId = read.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var messages = page.Ids.Where(byId.ContainsKey).Select(i => ConversationMapping.ToDto(byId[i])).ToList();
        // The conversation (settings, totals) comes with the first page only.
        var header = before is null ? ConversationMapping.ToHeader(conversation, nodes) : null;
        return TypedResults.Ok(new MessagePageDto(header, page.LeafId, messages, page.OlderCursor, page.Complete, page.Older));
    }
}
