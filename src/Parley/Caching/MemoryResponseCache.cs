using Microsoft.Extensions.Options;

namespace Parley.Caching;

/// <summary>
/// An in-process LRU cache bounded by <see cref="CacheOptions.MaxEntries"/> and <see cref="CacheOptions.MaxTotalBytes"/>;
/// entries expire <see cref="CacheOptions.TtlSeconds"/> after they were stored.
/// </summary>
public sealed class MemoryResponseCache(IOptions<CacheOptions> options, TimeProvider time) : IResponseCache
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;

    public int Count
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    public ValueTask<int> CountAsync() => ValueTask.FromResult(Count);

    public ValueTask<CachedReply?> FindAsync(string key) => ValueTask.FromResult(Find(key));

    public ValueTask StoreAsync(string key, CachedReply reply)
    {
        Store(key, reply);
        return ValueTask.CompletedTask;
    }

    public CachedReply? Find(string key)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
                return null;
            if (node.Value.Expires <= now)
            {
                Remove(node);
                return null;
            }
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Reply;
        }
    }

    public void Store(string key, CachedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var limits = options.Value;
        if (reply.Bytes > limits.MaxEntryBytes)
            return;
        var expires = time.GetUtcNow().AddSeconds(limits.TtlSeconds);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
                Remove(existing);
            var node = _recency.AddFirst(new Entry(key, reply, expires));
            _entries[key] = node;
            _bytes += reply.Bytes;
            while (_entries.Count > limits.MaxEntries || _bytes > limits.MaxTotalBytes)
                Remove(_recency.Last!);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Reply.Bytes;
    }

    private sealed record Entry(string Key, CachedReply Reply, DateTimeOffset Expires);
}
