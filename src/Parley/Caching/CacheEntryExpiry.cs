using Microsoft.Extensions.Caching.Distributed;

namespace Parley.Caching;

/// <summary>When a cache entry expires: what its options ask for, never later than <see cref="CacheOptions.TtlSeconds"/>.</summary>
internal static class CacheEntryExpiry
{
    public static DateTimeOffset At(DistributedCacheEntryOptions? entry, CacheOptions options, DateTimeOffset now)
    {
        var latest = now.AddSeconds(options.TtlSeconds);
        var asked = entry switch
        {
            { AbsoluteExpirationRelativeToNow: { } relative } => now + relative,
            { AbsoluteExpiration: { } absolute } => absolute,
            { SlidingExpiration: { } sliding } => now + sliding,
            _ => latest,
        };
        return asked < latest ? asked : latest;
    }
}
