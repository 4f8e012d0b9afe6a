using Parley.Errors;
using Parley.Limits;

namespace Parley.Identity;

/// <summary>
/// Counts failed sign-ins over five minutes per account and client address together, and per address across all
/// names. A pair at the limit gets 429 without a password check, so guessing is slow and cheap for the server; the
/// same account from another address is not affected, so nobody can lock an administrator out from everywhere.
/// One address may fail <see cref="AddressFactor"/> times as often across names (spraying many names). Attempts in
/// progress count as failures until they end, so a burst of concurrent guesses gets no more tries than a sequence.
/// Bounded: old entries are swept.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int AddressFactor = 4;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private const int MaxTracked = 10_000;

    private readonly Dictionary<string, Subject> _subjects = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reserves an attempt for <paramref name="userName"/> from <paramref name="address"/>, or throws 429.</summary>
    public Attempt Begin(string userName, string? address, int maxFailures)
    {
        var now = time.GetUtcNow();
        var keys = Keys(userName, address, maxFailures);
        lock (_subjects)
        {
            foreach (var (key, limit) in keys)
            {
                if (_subjects.TryGetValue(key, out var subject) && subject.Count(now) >= limit)
                {
                    var wait = subject.Failures.Count > 0 ? Window - (now - subject.Failures.Peek()) : TimeSpan.FromSeconds(1);
                    throw new LimitExceededException(ErrorCodes.TooManyAttempts,
                        $"Too many failed sign-ins; try again in {Math.Max(1, Math.Ceiling(wait.TotalMinutes))} min.", wait);
                }
            }
            Sweep(now);
            foreach (var (key, _) in keys)
            {
                if (!_subjects.TryGetValue(key, out var subject))
                    _subjects[key] = subject = new Subject();
                subject.InFlight++;
            }
        }
        return new Attempt(this, keys);
    }

    private void End(List<(string Key, int Limit)> keys, bool failed, bool succeeded)
    {
        var now = time.GetUtcNow();
        lock (_subjects)
        {
            foreach (var (key, _) in keys)
            {
                if (!_subjects.TryGetValue(key, out var subject))
                    continue;
                subject.InFlight = Math.Max(0, subject.InFlight - 1);
                if (failed)
                {
                    subject.Failures.Enqueue(now);
                    while (subject.Failures.Count > 100)
                        subject.Failures.Dequeue();
                }
                else if (succeeded && key.StartsWith("pair:", StringComparison.Ordinal))
                {
                    subject.Failures.Clear();
                }
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        if (_subjects.Count <= MaxTracked)
            return;
        foreach (var stale in _subjects.Where(s => s.Value.InFlight == 0 && s.Value.Count(now) == 0).Select(s => s.Key).ToList())
            _subjects.Remove(stale);
    }

    private static List<(string Key, int Limit)> Keys(string userName, string? address, int maxFailures) =>
        address is null
            ? [("pair:" + userName + "\n", maxFailures)]
            : [("pair:" + userName + "\n" + address, maxFailures), ("ip:" + address, maxFailures * AddressFactor)];

    private sealed class Subject
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public int InFlight { get; set; }

        public int Count(DateTimeOffset now)
        {
            while (Failures.Count > 0 && now - Failures.Peek() >= Window)
                Failures.Dequeue();
            return Failures.Count + InFlight;
        }
    }

    /// <summary>One sign-in attempt: end it with <see cref="Failed"/> or <see cref="Succeeded"/>; disposing without either releases it.</summary>
    public sealed class Attempt : IDisposable
    {
        private readonly SignInThrottle _throttle;
        private readonly List<(string Key, int Limit)> _keys;
        private int _ended;

        internal Attempt(SignInThrottle throttle, List<(string Key, int Limit)> keys)
        {
            _throttle = throttle;
            _keys = keys;
        }

        public void Failed() => End(failed: true, succeeded: false);

        public void Succeeded() => End(failed: false, succeeded: true);

        public void Dispose() => End(failed: false, succeeded: false);

        private void End(bool failed, bool succeeded)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
                _throttle.End(_keys, failed, succeeded);
        }
    }
}
