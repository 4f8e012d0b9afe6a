using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Parley.Conversations;
using Parley.Errors;
using Parley.Replies;
using Parley.Storage;
using Parley.Streaming;

namespace Parley.Api.Conversations;

/// <summary>
/// Following replies and conversations live (docs/api.md, "Resuming a reply"): a reply's events from where a client
/// stopped, and a stream of what changes in the user's conversations.
/// </summary>
public static class RepliesApi
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(20);

    public static RouteGroupBuilder MapReplies(this RouteGroupBuilder group)
    {
        group.MapGet("/events", Conversations).Produces(200, contentType: "text/event-stream");
        group.MapGet("/{id}/replies/{messageId}/events", Events).Produces(200, contentType: "text/event-stream");
        return group;
    }

    /// <summary>
    /// The reply's events after <c>Last-Event-ID</c> (or <c>?after=</c>), then live ones until it ends. A reply whose log
    /// is no longer kept is sent as one <c>assistant_end</c> event with the stored message.
    /// </summary>
    public static async Task Events(
        HttpContext context, string id, string messageId, string? after, IConversationStore store, ReplyEventLog log, StreamSlots slots,
        CancellationToken cancellationToken)
    {
        var owner = Owners.Of(context);
        _ = await store.GetConversationAsync(owner, id, cancellationToken)
            ?? throw new ParleyException(ErrorCodes.ConversationNotFound, 404, $"There is no conversation '{id}'.");
        var position = Position(context.Request.Headers["Last-Event-ID"].ToString(), after);
        var messages = await store.GetMessagesAsync(id, cancellationToken);
        var reply = messages.FirstOrDefault(m => m.Id == messageId && m.Role == MessageRoles.Assistant)
            ?? throw new ParleyException(ErrorCodes.MessageNotFound, 404, $"There is no reply '{messageId}' in this conversation.");

        using var slot = slots.Take(owner);
        var key = new ReplyKey(id, messageId);
        if (await log.StateAsync(key) is not { } state)
        {
            await ConversationStream.WriteAsync(context, [ConversationStream.Serialize(new ReplyStored(reply))!], position + 1);
            return;
        }
        var last = state.Ended ? state.LastId - 1 : state.LastId;
        if (position > last)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400,
                $"Last-Event-ID {position} is beyond this reply's last event ({last}); resume from {last} or less.");
        if (position < state.FirstId - 1)
            throw new ParleyException(ErrorCodes.ReplyEventsExpired, 410,
                $"Events after {position} are no longer kept for this reply (the oldest kept is {state.FirstId}); load the conversation again and resume from {last}.");
        await ConversationStream.WriteAsync(context, log, key, position);
    }

    /// <summary>What changes in the caller's conversations, as it happens (live only; load the list first).</summary>
    public static async Task Conversations(HttpContext context, ConversationFeed feed, StreamSlots slots)
    {
        var owner = Owners.Of(context);
        using var slot = slots.Take(owner);
        var cancellationToken = context.RequestAborted;
        using var sse = SseWriter.Begin(context);
        try
        {
            await sse.WriteCommentAsync("listening", cancellationToken);
            using var subscription = feed.Listen(owner);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(KeepAlive);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await sse.WriteCommentAsync("keep-alive", cancellationToken);
                    continue;
                }
                if (!more)
                    break;
                while (subscription.Reader.TryRead(out var notice))
                    await sse.WriteAsync(w => w.WriteRawValue(notice), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The tab closed.
        }
    }

    private static long Position(string header, string? query)
    {
        var (value, name) = header.Length > 0 ? (header, "Last-Event-ID") : (query, "after");
        if (value is null)
            return 0;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"'{name}' must be a whole number of 0 or more (an event id of this reply), not '{Trim(value)}'.");
    }

    private static string Trim(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
