using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Api.Conversations;
using Parley.Conversations;
using Parley.Streaming;

namespace Parley.Replies;

/// <summary>
/// Runs stored-conversation replies as server-side jobs: a reply is written to the end whether or not anyone is
/// reading, into its event log, and stops only on an explicit stop (<see cref="ActiveReplies"/>, from any instance),
/// on shutdown after the grace period, or after <see cref="ReplyOptions.MaxSeconds"/>. After a conversation's first reply
/// has ended (its log closed, so no client waits), the job has a model write the title (<see cref="TitleWriter"/>) and tells
/// open tabs of the rename. On shutdown the host waits for running jobs so their final state is stored.
/// </summary>
public sealed partial class ReplyJobs(
    ConversationEngine engine, ReplyEventLog log, ConversationFeed feed, TitleWriter titles, IOptions<ReplyOptions> options, ILogger<ReplyJobs> logger)
    : IHostedService
{
    private readonly ConcurrentDictionary<ReplyKey, Task> _running = new();

    public int Count => _running.Count;

    /// <summary>Starts the reply in the background; its events can be followed from <see cref="ReplyEventLog"/> at once.</summary>
    public ReplyKey Start(PreparedReply prepared)
    {
        var key = new ReplyKey(prepared.Conversation.Id, prepared.ReplyId);
        log.Open(key);
        // The job carries its caller in the prepared reply; nothing of the request (not its cancellation) goes with it.
        Task job;
        using (ExecutionContext.SuppressFlow())
            job = Task.Run(() => RunAsync(prepared, key));
        _running[key] = job;
        _ = job.ContinueWith(_ => _running.TryRemove(key, out var _), TaskScheduler.Default);
        return key;
    }

    private async Task RunAsync(PreparedReply prepared, ReplyKey key)
    {
        var owner = prepared.Caller.Owner;
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.MaxSeconds));
        string? automaticTitle = null;
        StoredMessage? stored = null;
        try
        {
            await foreach (var chatEvent in engine.StreamAsync(prepared, cap.Token))
            {
                if (chatEvent is TitleChanged titled)
                    automaticTitle = titled.Title;
                if (chatEvent is ReplyStored done)
                    stored = done.Message;
                Notify(owner, key.ConversationId, chatEvent);
                if (ConversationStream.Serialize(chatEvent) is { } json)
                    await log.AppendAsync(key, json);
            }
        }
        catch (Exception error)
        {
            LogJobFailed(logger, key.ToString(), error);
            await log.AppendAsync(key, ConversationStream.Serialize(new ReplyFailed(Errors.ErrorCodes.Internal,
                "Something went wrong on the server while writing this reply. What was written so far is kept.", 500))!);
        }
        finally
        {
            prepared.Lease.Dispose();
            await log.EndAsync(key);
        }
        if (automaticTitle is not null && stored is { Status: MessageStatus.Complete } && prepared.UserMessage is { } first)
            await RetitleAsync(prepared, automaticTitle, first.Text, stored.Text);
    }

    private async Task RetitleAsync(PreparedReply prepared, string automaticTitle, string firstMessage, string reply)
    {
        try
        {
            var title = await titles.WriteAsync(prepared.Conversation, prepared.Model, prepared.Caller, automaticTitle, firstMessage, reply, CancellationToken.None);
            if (title is not null)
                feed.Publish(prepared.Caller.Owner, new ConversationNotice("conversation_updated", prepared.Conversation.Id, Title: title));
        }
        catch (Exception error)
        {
            LogTitleFailed(logger, prepared.Conversation.Id, error);
        }
    }

    private void Notify(string owner, string conversationId, ChatEvent chatEvent)
    {
        var notice = chatEvent switch
        {
            UserMessageStored e => new ConversationNotice("message_added", conversationId, e.Message.Id, e.Message.Role, e.Message.Status),
            ReplyStarted e => new ConversationNotice("reply_started", conversationId, e.Message.Id, e.Message.Role, e.Message.Status),
            ReplyStored e => new ConversationNotice("reply_finished", conversationId, e.Message.Id, e.Message.Role, e.Message.Status),
            TitleChanged e => new ConversationNotice("conversation_updated", conversationId, Title: e.Title),
            _ => null,
        };
        if (notice is not null)
            feed.Publish(owner, notice);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits for running replies (the runner cuts them when the shutdown grace period ends) so they are stored.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var running = _running.Values.ToArray();
        if (running.Length > 0)
            await Task.WhenAll(running).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId}: storing the model's title failed; the first message stays the title")]
    private static partial void LogTitleFailed(ILogger logger, string conversationId, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reply {Reply} failed outside the provider call")]
    private static partial void LogJobFailed(ILogger logger, string reply, Exception error);
}
