using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Errors;

namespace Parley.Replies;

/// <summary>Bounds the resume and conversation-event streams one user holds open on this instance.</summary>
public sealed class StreamSlots(IOptions<ReplyOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Takes a slot until disposed; throws <c>rate_limited</c> (429) when the user has all of theirs open.</summary>
    public IDisposable Take(string owner)
    {
        var max = options.Value.MaxStreamsPerUser;
        var count = _open.AddOrUpdate(owner, 1, (_, n) => n + 1);
        if (count > max)
        {
            Release(owner);
            throw new ParleyException(ErrorCodes.RateLimited, 429,
                $"You already have {max} reply or conversation streams open; close a tab or wait for a reply to finish.");
        }
        return new Slot(this, owner);
    }

    private void Release(string owner)
    {
        if (_open.AddOrUpdate(owner, 0, (_, n) => n - 1) <= 0)
            _open.TryRemove(new KeyValuePair<string, int>(owner, 0));
    }

    private sealed class Slot(StreamSlots slots, string owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release(owner);
        }
    }
}
