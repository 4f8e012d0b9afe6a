using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Parley.Observability;

namespace Parley.Caching;

/// <summary>Hits, misses and stores of the response cache since start, for <c>GET /api/cache</c> and <c>/metrics</c>.</summary>
public sealed class CacheStatistics(IResponseCache cache, IOptions<CacheOptions> options, ParleyMetrics metrics)
{
    private long _hits;
    private long _misses;
    private long _stores;

    public void Hit(string model)
    {
        Interlocked.Increment(ref _hits);
        metrics.CacheHits.Add(1, new KeyValuePair<string, object?>("model", model));
    }

    public void Miss(string model)
    {
        Interlocked.Increment(ref _misses);
        metrics.CacheMisses.Add(1, new KeyValuePair<string, object?>("model", model));
    }

    public void Stored(string model)
    {
        Interlocked.Increment(ref _stores);
        metrics.CacheStores.Add(1, new KeyValuePair<string, object?>("model", model));
    }

    public async ValueTask<CacheStats> SnapshotAsync()
    {
        var entries = await cache.CountAsync();
        var hits = Interlocked.Read(ref _hits);
        var misses = Interlocked.Read(ref _misses);
        var lookups = hits + misses;
        return new CacheStats(options.Value.Enabled, entries, hits, misses, Interlocked.Read(ref _stores),
            lookups == 0 ? 0 : Math.Round((double)hits / lookups, 4));
    }
}

/// <summary>The body of <c>GET /api/cache</c>.</summary>
public sealed record CacheStats(bool Enabled, int Entries, long Hits, long Misses, long Stores, double HitRate);
