using Parley.Errors;
using Parley.Limits;

namespace Parley.Identity;

/// <summary>
/// Counts failed sign-ins per user name and per client address over five minutes; at the limit further attempts get 429
/// without a password check, so guessing is slow and cheap for the server. Bounded: old entries are swept.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private const int MaxTracked = 10_000;

    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.OrdinalIgnoreCase);

    public void EnsureAllowed(string userName, string? address, int maxFailures)
    {
        var now = time.GetUtcNow();
        lock (_failures)
        {
            foreach (var subject in Subjects(userName, address))
            {
                if (_failures.TryGetValue(subject, out var times) && Trim(times, now) >= maxFailures)
                {
                    var wait = Window - (now - times.Peek());
                    throw new LimitExceededException(ErrorCodes.TooManyAttempts,
                        $"Too many failed sign-ins; try again in {Math.Ceiling(wait.TotalMinutes)} min.", wait);
                }
            }
        }
    }

    public void Failed(string userName, string? address)
    {
        var now = time.GetUtcNow();
        lock (_failures)
        {
            if (_failures.Count > MaxTracked)
            {
                foreach (var stale in _failures.Where(f => Trim(f.Value, now) == 0).Select(f => f.Key).ToList())
                    _failures.Remove(stale);
            }
            foreach (var subject in Subjects(userName, address))
            {
                if (!_failures.TryGetValue(subject, out var times))
                    _failures[subject] = times = new Queue<DateTimeOffset>();
                times.Enqueue(now);
                while (times.Count > 100)
                    times.Dequeue();
            }
        }
    }

    public void Succeeded(string userName)
    {
        lock (_failures)
            _failures.Remove("user:" + userName);
    }

    private static IEnumerable<string> Subjects(string userName, string? address) =>
        address is null ? ["user:" + userName] : ["user:" + userName, "ip:" + address];

    private static int Trim(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && now - times.Peek() >= Window)
            times.Dequeue();
        return times.Count;
    }
}
