using System.Collections.Concurrent;
using Parley.Errors;

namespace Parley.Conversations;

/// <summary>
/// The replies being written right now, one per conversation, so they can be cancelled. With a relay (Redis), a stop
/// for a reply running on another instance is passed on to it.
/// </summary>
public sealed class ActiveReplies
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly IReplyCancellationRelay? _relay;

    public ActiveReplies(IReplyCancellationRelay? relay = null)
    {
        _relay = relay;
        relay?.Attach(this);
    }

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

    /// <summary>Cancels the reply here, or asks the other instances to; true when it ran on this instance.</summary>
    public bool Cancel(string conversationId)
    {
        if (CancelHere(conversationId))
            return true;
        _relay?.Publish(conversationId);
        return false;
    }

    /// <summary>Cancels the reply if this instance runs it.</summary>
    public bool CancelHere(string conversationId)
    {
        if (!_running.TryGetValue(conversationId, out var source))
            return false;
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The reply finished between the lookup and the cancel.
        }
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
