using System.Collections.Concurrent;
using Parley.Errors;

namespace Parley.Conversations;

/// <summary>The replies being written right now, one per conversation, so they can be cancelled.</summary>
public sealed class ActiveReplies
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>Claims the conversation; throws <c>reply_in_progress</c> if a reply is already running there.</summary>
    public Lease Start(string conversationId)
    {
        var source = new CancellationTokenSource();
        if (!_running.TryAdd(conversationId, source))
        {
            source.Dispose();
            throw new ParleyException(ErrorCodes.ReplyInProgress, 409,
                "A reply is still being written in this conversation. Wait for it or stop it first.");
        }
        return new Lease(this, conversationId, source);
    }

    public bool Cancel(string conversationId)
    {
        if (!_running.TryGetValue(conversationId, out var source))
            return false;
        source.Cancel();
        return true;
    }

    public int Count => _running.Count;

    public sealed class Lease(ActiveReplies owner, string conversationId, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            owner._running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(conversationId, source));
            source.Dispose();
        }
    }
}
