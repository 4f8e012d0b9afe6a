using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Audit;
using Parley.Conversations;
using Parley.Errors;
using Parley.Sharing;
using Parley.Storage;

namespace Parley.Api.Sharing;

/// <summary>
/// Share links: <c>POST /api/conversations/{id}/shares</c> freezes one branch (the newest, or the one ending at
/// <c>leafId</c>) into a snapshot behind a random token; the owner lists (<c>GET /api/shares</c>) and revokes
/// (<c>DELETE /api/shares/{token}</c>) them; anyone with the token reads the snapshot at <c>GET /api/shared/{token}</c>
/// (no sign-in; it names no owner and nothing else of theirs). A link stops working when the conversation is deleted.
/// </summary>
public static class SharesApi
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapSharesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/conversations/{id}/shares", Create).WithTags("Sharing");
        var own = app.MapGroup("/api/shares").WithTags("Sharing");
        own.MapGet("/", List);
        own.MapDelete("/{token}", Revoke);
        app.MapGet("/api/shared/{token}", Read).WithTags("Sharing").AllowAnonymous();
        return app;
    }

    public static async Task<Created<ShareDto>> Create(
        HttpContext context, string id, CreateShareRequest? body, IConversationStore conversations, IShareStore shares, TimeProvider time, IAuditLog audit)
    {
        var owner = Owners.Of(context);
        var cancellationToken = context.RequestAborted;
        var conversation = await conversations.GetConversationAsync(owner, id, cancellationToken)
            ?? throw new ParleyException(ErrorCodes.ConversationNotFound, 404, $"There is no conversation '{id}'.");
        var messages = await conversations.GetMessagesAsync(id, cancellationToken);
        var leaf = body?.LeafId ?? MessageTree.NewestLeaf(messages);
        if (leaf is not null && messages.All(m => m.Id != leaf))
            throw new ParleyException(ErrorCodes.MessageNotFound, 404, $"leafId: there is no message '{leaf}' in this conversation.");
        var shared = MessageTree.PathTo(messages, leaf)
            .Where(m => m.Role is MessageRoles.User or MessageRoles.Assistant)
            .Select(m => new SharedMessageDto(m.Role, m.Text, m.Parts.Count(p => p is ImagePart), m.Model, m.CreatedAt))
            .ToList();
        if (shared.Count == 0)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "This conversation has no messages to share yet.");
        var link = new ShareLink(ShareLink.NewToken(), owner, id, leaf, conversation.Title, JsonSerializer.Serialize(shared, JsonOptions), time.UtcNowStored());
        await shares.AddAsync(link, cancellationToken);
        audit.Record(context, AuditActions.ShareCreated, id, detail: $"{shared.Count} messages");
        return TypedResults.Created(Url(link.Token), ToDto(link, shared.Count));
    }

    public static async Task<Ok<List<ShareDto>>> List(HttpContext context, IShareStore shares, IConversationStore conversations)
    {
        var owner = Owners.Of(context);
        var links = await shares.ListAsync(owner, context.RequestAborted);
        var live = new List<ShareDto>(links.Count);
        foreach (var link in links)
        {
            if (await conversations.GetConversationAsync(owner, link.ConversationId, context.RequestAborted) is not null)
                live.Add(ToDto(link, Messages(link).Count));
        }
        return TypedResults.Ok(live);
    }

    public static async Task<NoContent> Revoke(HttpContext context, string token, IShareStore shares, IAuditLog audit)
    {
        if (!await shares.RevokeAsync(Owners.Of(context), token, context.RequestAborted))
            throw NotFound();
        audit.Record(context, AuditActions.ShareRevoked, token[..Math.Min(8, token.Length)]);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<SharedConversationDto>> Read(HttpContext context, string token, IShareStore shares, IConversationStore conversations)
    {
        var link = token.Length is > 20 and < 100 ? await shares.GetAsync(token, context.RequestAborted) : null;
        if (link is null || await conversations.GetConversationAsync(link.Owner, link.ConversationId, context.RequestAborted) is null)
            throw NotFound();
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Robots-Tag"] = "noindex";
        return TypedResults.Ok(new SharedConversationDto(link.Title, link.CreatedAt, Messages(link)));
    }

    private static List<SharedMessageDto> Messages(ShareLink link) =>
        JsonSerializer.Deserialize<List<SharedMessageDto>>(link.Snapshot, JsonOptions) ?? [];

    private static ShareDto ToDto(ShareLink link, int messages) =>
        new(link.Token, Url(link.Token), link.ConversationId, link.LeafId, link.Title, messages, link.CreatedAt);

    private static string Url(string token) => $"/s/{token}";

    private static ParleyException NotFound() =>
        new(ErrorCodes.ShareNotFound, 404, "This shared link does not exist or was revoked.");
}

public sealed record CreateShareRequest(string? LeafId);

/// <param name="Url">The page to open, relative to the server (<c>/s/{token}</c>).</param>
public sealed record ShareDto(string Token, string Url, string ConversationId, string? LeafId, string Title, int Messages, DateTimeOffset CreatedAt);

/// <summary>What anyone with the link sees: the frozen branch, without the owner's name or ids.</summary>
public sealed record SharedConversationDto(string Title, DateTimeOffset SharedAt, IReadOnlyList<SharedMessageDto> Messages);

/// <param name="Images">How many images the message carried (they are not part of the snapshot).</param>
public sealed record SharedMessageDto(string Role, string Text, int Images, string? Model, DateTimeOffset CreatedAt);
