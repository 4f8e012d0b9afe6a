using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Parley.Caching;
using StackExchange.Redis;

namespace Parley.Redis;

/// <summary>
/// The response cache in Redis, shared by every instance: each reply is one key that Redis expires after
/// <see cref="CacheOptions.TtlSeconds"/>; a sorted index (by expiry) counts entries and, above
/// <see cref="CacheOptions.MaxEntries"/>, evicts the soonest to expire first. While Redis is unreachable the instance's own
/// <see cref="MemoryResponseCache"/> serves. Not Microsoft.Extensions.Caching.StackExchangeRedis's <c>RedisCache</c>:
/// it keeps no index, so it can neither count entries for <c>GET /api/cache</c> nor hold <see cref="CacheOptions.MaxEntries"/>,
/// and it throws while Redis is down instead of falling back. The synchronous members block on Redis and are for
/// callers outside the request path; the chat pipeline uses the asynchronous ones.
/// </summary>
public sealed class RedisResponseCache(RedisConnection redis, MemoryResponseCache fallback, IOptions<CacheOptions> settings, TimeProvider time) : IResponseCache
{
    public async ValueTask<int> CountAsync()
    {
        if (redis.Database() is not { } database)
            return fallback.Count;
        try
        {
            await database.SortedSetRemoveRangeByScoreAsync(Index, double.NegativeInfinity, time.GetUtcNow().ToUnixTimeMilliseconds());
            return (int)await database.SortedSetLengthAsync(Index);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            return fallback.Count;
        }
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        if (redis.Database() is not { } database)
            return fallback.Get(key);
        try
        {
            return (byte[]?)await database.StringGetAsync(Entry(key));
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            return fallback.Get(key);
        }
    }

    public byte[]? Get(string key)
    {
        if (redis.Database() is not { } database)
            return fallback.Get(key);
        try
        {
            return (byte[]?)database.StringGet(Entry(key));
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            return fallback.Get(key);
        }
    }

    // One round trip, atomic across instances: store the entry, index it by expiry, evict the soonest to expire beyond MaxEntries.
    private const string SetScript = """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
        local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
        if excess > 0 then
          for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, excess - 1)) do
            redis.call('ZREM', KEYS[2], member)
            redis.call('DEL', ARGV[6] .. member)
          end
        end
        return 0
        """;

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        if (Prepare(key, value, options) is not { } set)
            return;
        try
        {
            await set.Database.ScriptEvaluateAsync(SetScript, set.Keys, set.Values);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            fallback.Set(key, value, options);
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        if (Prepare(key, value, options) is not { } set)
            return;
        try
        {
            set.Database.ScriptEvaluate(SetScript, set.Keys, set.Values);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            fallback.Set(key, value, options);
        }
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    // Entries do not slide (see MemoryResponseCache.Refresh).
    public void Refresh(string key)
    {
    }

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        fallback.Remove(key);
        if (redis.Database() is not { } database)
            return;
        try
        {
            await database.KeyDeleteAsync(Entry(key));
            await database.SortedSetRemoveAsync(Index, key);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
        }
    }

    public void Remove(string key)
    {
        fallback.Remove(key);
        if (redis.Database() is not { } database)
            return;
        try
        {
            database.KeyDelete(Entry(key));
            database.SortedSetRemove(Index, key);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
        }
    }

    /// <summary>The script's keys and arguments, or null when the entry is too large or Redis is down (the fallback then took it).</summary>
    private PreparedSet? Prepare(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var limits = settings.Value;
        if (value.Length > limits.MaxEntryBytes)
            return null;
        if (redis.Database() is not { } database)
        {
            fallback.Set(key, value, options);
            return null;
        }
        var now = time.GetUtcNow();
        var expires = CacheEntryExpiry.At(options, limits, now);
        var ttl = Math.Max(1, (long)(expires - now).TotalMilliseconds);
        return new PreparedSet(database, [Entry(key), Index],
            [value, ttl, expires.ToUnixTimeMilliseconds(), key, limits.MaxEntries, EntryPrefix]);
    }

    private sealed record PreparedSet(IDatabase Database, RedisKey[] Keys, RedisValue[] Values);

    private RedisKey Index => $"{redis.KeyPrefix}cache:index";

    private string EntryPrefix => $"{redis.KeyPrefix}cache:entry:";

    private RedisKey Entry(string key) => EntryPrefix + key;
}
