using Microsoft.Extensions.Options;
using Parley.Errors;

namespace Parley.Kafka;

/// <summary>
/// In-process limits (one worker's view; several workers each allow the full rate): a sliding one-minute
/// window of request times and a token count per UTC day. The policies issue (issue 5) replaces this with
/// shared policies. Users are forgotten a day after their last request.
/// </summary>
internal sealed class InMemoryUserLimiter(IOptions<UserLimitOptions> options, TimeProvider time) : IUserLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, UserUsage> _users = new(StringComparer.OrdinalIgnoreCase);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public ParleyException? TryStart(string user)
    {
        var limits = options.Value;
        var now = time.GetUtcNow();
        lock (_users)
        {
            Sweep(now);
            var usage = Get(user, now);
            if (limits.DailyTokenLimit is > 0 and var budget && usage.Tokens >= budget)
                return new ParleyException(UserLimitCodes.BudgetExhausted, 429,
                    $"{user} has used the daily budget of {budget} tokens; it renews at 00:00 UTC.");
            if (limits.RequestsPerMinute is > 0 and var rate)
            {
                while (usage.Requests.Count > 0 && now - usage.Requests.Peek() >= Window)
                    usage.Requests.Dequeue();
                if (usage.Requests.Count >= rate)
                {
                    var wait = Window - (now - usage.Requests.Peek());
                    return new ParleyException(UserLimitCodes.RateLimited, 429,
                        $"{user} sent more than {rate} requests in a minute; try again in {Math.Ceiling(wait.TotalSeconds)} s.");
                }
                usage.Requests.Enqueue(now);
            }
            return null;
        }
    }

    public void RecordTokens(string user, long tokens)
    {
        var now = time.GetUtcNow();
        lock (_users)
            Get(user, now).Tokens += Math.Max(0, tokens);
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
        if (now < _nextSweep)
            return;
        _nextSweep = now.AddHours(1);
        foreach (var stale in _users.Where(u => now - u.Value.LastSeen > TimeSpan.FromDays(1)).Select(u => u.Key).ToList())
            _users.Remove(stale);
    }

    private sealed class UserUsage
    {
        public Queue<DateTimeOffset> Requests { get; } = new();

        public DateOnly Day { get; set; }

        public long Tokens { get; set; }

        public DateTimeOffset LastSeen { get; set; }
    }
}
