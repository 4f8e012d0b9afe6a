using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Caching;
using StackExchange.Redis;

namespace Parley.Redis;

/// <summary>
/// The response cache in Redis, shared by every instance: each reply is one key (JSON of its updates) that Redis
/// expires after <see cref="CacheOptions.TtlSeconds"/>; a sorted index (by expiry) counts entries and, above
/// <see cref="CacheOptions.MaxEntries"/>, evicts the oldest first. While Redis is unreachable the instance's own
/// <see cref="MemoryResponseCache"/> serves.
/// </summary>
public sealed class RedisResponseCache(RedisConnection redis, MemoryResponseCache fallback, IOptions<CacheOptions> options, TimeProvider time) : IResponseCache
{
    private static readonly JsonSerializerOptions Json = AIJsonUtilities.DefaultOptions;

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

    public async ValueTask<CachedReply?> FindAsync(string key)
    {
        if (redis.Database() is not { } database)
            return fallback.Find(key);
        try
        {
            var json = await database.StringGetAsync(Entry(key));
            if (json.IsNullOrEmpty)
                return null;
            var updates = JsonSerializer.Deserialize<List<ChatResponseUpdate>>((string)json!, Json);
            return updates is null ? null : CachedReply.From(updates);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            return fallback.Find(key);
        }
        catch (JsonException)
        {
            // Written by an incompatible version: treat as a miss; the next store overwrites it.
            return null;
        }
    }

    public async ValueTask StoreAsync(string key, CachedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var limits = options.Value;
        if (reply.Bytes > limits.MaxEntryBytes)
            return;
        if (redis.Database() is not { } database)
        {
            fallback.Store(key, reply);
            return;
        }
        try
        {
            var json = JsonSerializer.Serialize(reply.Updates, Json);
            var ttl = TimeSpan.FromSeconds(limits.TtlSeconds);
            await database.StringSetAsync(Entry(key), json, ttl);
            await database.SortedSetAddAsync(Index, key, time.GetUtcNow().Add(ttl).ToUnixTimeMilliseconds());
            var excess = await database.SortedSetLengthAsync(Index) - limits.MaxEntries;
            if (excess > 0)
            {
                var evicted = await database.SortedSetRangeByRankAsync(Index, 0, excess - 1);
                await database.SortedSetRemoveAsync(Index, evicted);
                await database.KeyDeleteAsync([.. evicted.Select(k => Entry((string)k!))]);
            }
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            fallback.Store(key, reply);
        }
    }

    private RedisKey Index => $"{redis.KeyPrefix}cache:index";

    private RedisKey Entry(string key) => $"{redis.KeyPrefix}cache:entry:{key}";
}
