using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Limits;
using Parley.Observability;
using StackExchange.Redis;

namespace Parley.Redis;

/// <summary>
/// <see cref="IUserLimiter"/> with its counters in Redis, so every instance sees the same requests per minute, daily
/// tokens and open streams. Each check-and-count is one Lua script (atomic in Redis), so a burst spread over several
/// instances never overshoots. While Redis is unreachable the instance's own <see cref="InMemoryUserLimiter"/> decides.
/// </summary>
public sealed class RedisUserLimiter(
    RedisConnection redis, InMemoryUserLimiter fallback, IOptions<UserLimitOptions> options, TimeProvider time, ParleyMetrics? metrics = null) : IUserLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Stream slots expire after this long without a new one, so a crashed instance cannot hold them for ever.</summary>
    private static readonly TimeSpan StreamSlotLifetime = TimeSpan.FromHours(2);

    // Returns {0} when counted, {1, oldest_ms} when over the rate, {2} when the budget is used up.
    private const string StartScript = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local rate = tonumber(ARGV[3])
        local budget = tonumber(ARGV[4])
        if budget > 0 then
          local used = tonumber(redis.call('GET', KEYS[2]) or '0')
          if used >= budget then return {2, 0} end
        end
        if rate > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
          if redis.call('ZCARD', KEYS[1]) >= rate then
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return {1, tonumber(oldest[2])}
          end
          redis.call('ZADD', KEYS[1], now, ARGV[5])
          redis.call('PEXPIRE', KEYS[1], window)
        end
        return {0, 0}
        """;

    // Returns 1 when a slot was taken, 0 when the caller already has the maximum open.
    private const string OpenStreamScript = """
        local max = tonumber(ARGV[1])
        local open = tonumber(redis.call('GET', KEYS[1]) or '0')
        if max > 0 and open >= max then return 0 end
        redis.call('INCR', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    private const string CloseStreamScript = """
        local open = tonumber(redis.call('GET', KEYS[1]) or '0')
        if open > 1 then return redis.call('DECR', KEYS[1]) end
        redis.call('DEL', KEYS[1])
        return 0
        """;

    public ValueTask<LimitExceededException?> TryStartAsync(string user) => TryStartAsync(user, options.Value);

    public async ValueTask<LimitExceededException?> TryStartAsync(string user, UserLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (redis.Database() is not { } database)
            return fallback.TryStart(user, limits);
        var now = time.GetUtcNow();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        try
        {
            var result = (RedisResult[])(await database.ScriptEvaluateAsync(StartScript,
                [Key(user, "requests"), TokensKey(user, day)],
                [now.ToUnixTimeMilliseconds(), (long)Window.TotalMilliseconds, limits.RequestsPerMinute ?? 0, limits.DailyTokenLimit ?? 0,
                 $"{now.ToUnixTimeMilliseconds()}:{Guid.NewGuid():N}"]))!;
            return (int)result[0] switch
            {
                1 => Rejected(new LimitExceededException(UserLimitCodes.RateLimited,
                    $"{user} sent more than {limits.RequestsPerMinute} requests in a minute; try again in {Math.Ceiling(Wait(now, (long)result[1]).TotalSeconds)} s.",
                    Wait(now, (long)result[1]))),
                2 => Rejected(new LimitExceededException(UserLimitCodes.BudgetExhausted,
                    $"{user} has used the daily budget of {limits.DailyTokenLimit} tokens; it renews at 00:00 UTC.",
                    new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - now)),
                _ => null,
            };
        }
        catch (Exception error) when (IsRedisFailure(error))
        {
            redis.Failed(error);
            return fallback.TryStart(user, limits);
        }
    }

    public ValueTask<IDisposable?> TryOpenStreamAsync(string user) => TryOpenStreamAsync(user, options.Value);

    public async ValueTask<IDisposable?> TryOpenStreamAsync(string user, UserLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (redis.Database() is not { } database)
            return fallback.TryOpenStream(user, limits);
        var key = Key(user, "streams");
        try
        {
            var taken = (int)await database.ScriptEvaluateAsync(OpenStreamScript, [key],
                [limits.MaxConcurrentStreams ?? 0, (long)StreamSlotLifetime.TotalMilliseconds]);
            if (taken == 1)
                return new StreamSlot(this, key.ToString());
            metrics?.LimitsRejected.Add(1, new KeyValuePair<string, object?>("code", UserLimitCodes.RateLimited));
            return null;
        }
        catch (Exception error) when (IsRedisFailure(error))
        {
            redis.Failed(error);
            return fallback.TryOpenStream(user, limits);
        }
    }

    public async ValueTask RecordTokensAsync(string user, long tokens)
    {
        if (tokens <= 0)
            return;
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (redis.Database() is not { } database)
        {
            fallback.RecordTokens(user, tokens);
            return;
        }
        try
        {
            var key = TokensKey(user, day);
            await database.StringIncrementAsync(key, tokens);
            await database.KeyExpireAsync(key, TimeSpan.FromDays(2));
        }
        catch (Exception error) when (IsRedisFailure(error))
        {
            redis.Failed(error);
            fallback.RecordTokens(user, tokens);
        }
    }

    internal static bool IsRedisFailure(Exception error) => error is RedisException or RedisUnavailableException or TimeoutException or ObjectDisposedException;

    private void Release(string key)
    {
        try
        {
            redis.Database()?.ScriptEvaluate(CloseStreamScript, [key], flags: CommandFlags.FireAndForget);
        }
        catch (Exception error) when (IsRedisFailure(error))
        {
            // The slot expires on its own (StreamSlotLifetime).
            redis.Failed(error);
        }
    }

    private LimitExceededException Rejected(LimitExceededException refusal)
    {
        metrics?.LimitsRejected.Add(1, new KeyValuePair<string, object?>("code", refusal.Code));
        return refusal;
    }

    private static TimeSpan Wait(DateTimeOffset now, long oldestMs)
    {
        var wait = Window - (now - DateTimeOffset.FromUnixTimeMilliseconds(oldestMs));
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

    private RedisKey Key(string user, string what) => $"{redis.KeyPrefix}limits:{user.ToLowerInvariant()}:{what}";

    private RedisKey TokensKey(string user, DateOnly day) =>
        Key(user, "tokens:" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private sealed class StreamSlot(RedisUserLimiter owner, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                owner.Release(key);
        }
    }
}
