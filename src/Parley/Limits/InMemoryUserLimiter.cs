using Microsoft.Extensions.Options;
using Parley.Observability;

namespace Parley.Limits;

/// <summary>
/// In-process limits (one instance's view): a sliding one-minute window of request times (at most RequestsPerMinute
/// entries per caller, checked and counted under one lock, so a burst never overshoots), a token count per UTC day
/// (check-before, record-after: requests already in flight may overshoot the budget by their own tokens) and a count
/// of open streams. Callers are forgotten a day after their last request, and idle ones sooner when there are many.
/// </summary>
public sealed class InMemoryUserLimiter(IOptions<UserLimitOptions> options, TimeProvider time, ParleyMetrics? metrics = null) : IUserLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Above this many tracked callers, a sweep also drops those idle for more than a window with no budget or stream in use.</summary>
    internal const int SoftCallerLimit = 10_000;

    private readonly Dictionary<string, UserUsage> _users = new(StringComparer.OrdinalIgnoreCase);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private DateTimeOffset _nextCrowdedSweep = DateTimeOffset.MinValue;

    internal int TrackedCallers
    {
        get { lock (_users) return _users.Count; }
    }

    public ValueTask<LimitExceededException?> TryStartAsync(string user) => ValueTask.FromResult(TryStart(user, options.Value));

    public ValueTask<LimitExceededException?> TryStartAsync(string user, UserLimitOptions limits) => ValueTask.FromResult(TryStart(user, limits));

    public ValueTask<IDisposable?> TryOpenStreamAsync(string user) => ValueTask.FromResult(TryOpenStream(user, options.Value));

    public ValueTask<IDisposable?> TryOpenStreamAsync(string user, UserLimitOptions limits) => ValueTask.FromResult(TryOpenStream(user, limits));

    public LimitExceededException? TryStart(string user) => TryStart(user, options.Value);

    public LimitExceededException? TryStart(string user, UserLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var now = time.GetUtcNow();
        lock (_users)
        {
            Sweep(now);
            var usage = Get(user, now);
            if (limits.DailyTokenLimit is > 0 and var budget && usage.Tokens >= budget)
            {
                var midnight = new DateTimeOffset(usage.Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                return Rejected(new LimitExceededException(UserLimitCodes.BudgetExhausted,
                    $"{user} has used the daily budget of {budget} tokens; it renews at 00:00 UTC.", midnight - now));
            }
            if (limits.RequestsPerMinute is > 0 and var rate)
            {
                while (usage.Requests.Count > 0 && now - usage.Requests.Peek() >= Window)
                    usage.Requests.Dequeue();
                if (usage.Requests.Count >= rate)
                {
                    var wait = Window - (now - usage.Requests.Peek());
                    return Rejected(new LimitExceededException(UserLimitCodes.RateLimited,
                        $"{user} sent more than {rate} requests in a minute; try again in {Math.Ceiling(wait.TotalSeconds)} s.", wait));
                }
                usage.Requests.Enqueue(now);
            }
            return null;
        }
    }

    public IDisposable? TryOpenStream(string user) => TryOpenStream(user, options.Value);

    public IDisposable? TryOpenStream(string user, UserLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var max = limits.MaxConcurrentStreams;
        var now = time.GetUtcNow();
        lock (_users)
        {
            var usage = Get(user, now);
            if (max is > 0 and var limit && usage.Streams >= limit)
            {
                metrics?.LimitsRejected.Add(1, new KeyValuePair<string, object?>("code", UserLimitCodes.RateLimited));
                return null;
            }
            usage.Streams++;
            return new StreamSlot(this, usage);
        }
    }

    public ValueTask RecordTokensAsync(string user, long tokens)
    {
        RecordTokens(user, tokens);
        return ValueTask.CompletedTask;
    }

    public void RecordTokens(string user, long tokens)
    {
        var now = time.GetUtcNow();
        lock (_users)
            Get(user, now).Tokens += Math.Max(0, tokens);
    }

    private LimitExceededException Rejected(LimitExceededException refusal)
    {
        metrics?.LimitsRejected.Add(1, new KeyValuePair<string, object?>("code", refusal.Code));
        return refusal;
    }

    private void Release(UserUsage usage)
    {
        lock (_users)
            usage.Streams = Math.Max(0, usage.Streams - 1);
    }

    private UserUsage Get(string user, DateTimeOffset now)
    {
        if (!_users.TryGetValue(user, out var usage))
            _users[user] = usage = new UserUsage();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        if (usage.Day != day)
        {
            usage.Day = day;
            usage.Tokens = 0;
        }
        usage.LastSeen = now;
        return usage;
    }

    private void Sweep(DateTimeOffset now)
    {
        var crowded = _users.Count > SoftCallerLimit;
        if (now < _nextSweep && !(crowded && now >= _nextCrowdedSweep))
            return;
        _nextSweep = now.AddMinutes(10);
        _nextCrowdedSweep = now.AddSeconds(1);
        var idleFor = crowded ? Window : TimeSpan.FromDays(1);
        foreach (var stale in _users
                     .Where(u => u.Value.Streams == 0 && now - u.Value.LastSeen > idleFor && (!crowded || u.Value.Tokens == 0 || u.Value.Day != DateOnly.FromDateTime(now.UtcDateTime)))
                     .Select(u => u.Key).ToList())
            _users.Remove(stale);
    }

    private sealed class StreamSlot(InMemoryUserLimiter owner, UserUsage usage) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                owner.Release(usage);
        }
    }

    private sealed class UserUsage
    {
        public Queue<DateTimeOffset> Requests { get; } = new();

        public DateOnly Day { get; set; }

        public long Tokens { get; set; }

        public int Streams { get; set; }

        public DateTimeOffset LastSeen { get; set; }
    }
}
