using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Errors;
using Parley.Providers;
using Parley.Storage;
using Parley.Tools;

namespace Parley.Api.Conversations;

/// <summary>
/// Seed 004's session ids (<c>?sid=abc123def456</c>): a session id names one conversation of its user. <c>GET</c> finds it
/// (a conversation's own id works as a session id too); <c>PUT</c> starts it on first use, bound to that id, so the same
/// id shows the same history later — after a refresh, and after a restart with SQLite, PostgreSQL or Redis. The stored id
/// is derived from the user and the session id, so two users' equal session ids never meet.
/// </summary>
public static partial class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions").WithTags("Conversations");
        group.MapGet("/{sid}", Get);
        group.MapPut("/{sid}", Start);
        return group;
    }

    public static async Task<Ok<ConversationDto>> Get(HttpContext context, string sid, IConversationStore store, CancellationToken cancellationToken)
    {
        var owner = Owners.Of(context);
        var conversation = await FindAsync(store, owner, sid, cancellationToken)
            ?? throw new ParleyException(ErrorCodes.ConversationNotFound, 404, $"Session '{sid}' has no conversation yet; PUT /api/sessions/{sid} starts it.");
        return TypedResults.Ok(ConversationMapping.ToDto(conversation, await store.GetMessagesAsync(conversation.Id, cancellationToken)));
    }

    /// <summary>The session's conversation, started with the body's settings (those of <c>POST /api/conversations</c>) when it has none.</summary>
    public static async Task<Results<Ok<ConversationDto>, Created<ConversationDto>>> Start(
        HttpContext context, string sid, CreateConversationRequest? body, IConversationStore store, ModelCatalog models, ToolCatalog tools,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = Owners.Of(context);
        if (await FindAsync(store, owner, sid, cancellationToken) is { } existing)
            return TypedResults.Ok(ConversationMapping.ToDto(existing, await store.GetMessagesAsync(existing.Id, cancellationToken)));
        var conversation = ConversationsApi.NewConversation(ConversationId(owner, sid), owner, body, models, tools, time);
        try
        {
            await store.CreateConversationAsync(conversation, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The same session started twice at once: both get the one conversation (anything else is rethrown).
            var raced = await store.GetConversationAsync(owner, conversation.Id, CancellationToken.None);
            if (raced is null)
                throw;
            return TypedResults.Ok(ConversationMapping.ToDto(raced, []));
        }
        return TypedResults.Created($"/api/conversations/{conversation.Id}", ConversationMapping.ToDto(conversation, []));
    }

    private static async Task<Parley.Conversations.Conversation?> FindAsync(IConversationStore store, string owner, string sid, CancellationToken cancellationToken)
    {
        if (!SessionId().IsMatch(sid))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "A session id is 4 to 64 letters, digits, '-' or '_', like ?sid=abc123def456.");
        return await store.GetConversationAsync(owner, sid, cancellationToken)
            ?? await store.GetConversationAsync(owner, ConversationId(owner, sid), cancellationToken);
    }

    /// <summary>The stored id of a user's session: <c>s_</c> and 20 hex digits of SHA-256(owner, sid).</summary>
    public static string ConversationId(string owner, string sid) =>
        "s_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{owner}\n{sid}")))[..20];

    [GeneratedRegex("^[A-Za-z0-9_-]{4,64}$")]
    private static partial Regex SessionId();
}
