using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Parley.Caching;

/// <summary>
/// The response cache in this process: least recently used first out, bounded by <see cref="CacheOptions.MaxEntries"/>
/// and <see cref="CacheOptions.MaxTotalBytes"/>; entries expire <see cref="CacheOptions.TtlSeconds"/> after they were
/// stored, on the injected clock. Not <c>MemoryDistributedCache</c>: that one refuses a new entry over its size limit
/// (evicting others later, in the background), cannot count its entries for <c>GET /api/cache</c>, and reads the system clock.
/// </summary>
public sealed class MemoryResponseCache(IOptions<CacheOptions> settings, TimeProvider time) : IResponseCache
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

    public byte[]? Get(string key)
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
            return node.Value.Value;
        }
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var limits = settings.Value;
        if (value.Length > limits.MaxEntryBytes)
            return;
        var expires = CacheEntryExpiry.At(options, limits, time.GetUtcNow());
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
                Remove(existing);
            var node = _recency.AddFirst(new Entry(key, value, expires));
            _entries[key] = node;
            _bytes += value.Length;
            while (_entries.Count > limits.MaxEntries || _bytes > limits.MaxTotalBytes)
                Remove(_recency.Last!);
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    // Entries do not slide: a read keeps an entry in front of the eviction order but never extends its life.
    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
                Remove(node);
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Value.Length;
    }

    private sealed record Entry(string Key, byte[] Value, DateTimeOffset Expires);
}
