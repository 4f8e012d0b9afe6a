using Microsoft.Extensions.Options;
using Parley.Limits;

namespace Parley.Tests.Limits;

public sealed class InMemoryUserLimiterTests
{
    private static InMemoryUserLimiter Limiter(UserLimitOptions options, TimeProvider clock) => new(Options.Create(options), clock);

    [Fact]
    public void The_window_resets_a_minute_after_the_oldest_request_and_retry_after_counts_down_to_it()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = Limiter(new UserLimitOptions { RequestsPerMinute = 2 }, clock);

        Assert.Null(limiter.TryStart("local"));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(limiter.TryStart("local"));
        var refused = limiter.TryStart("local");
        Assert.Equal("rate_limited", refused?.Code);
        Assert.Equal(429, refused?.Status);
        Assert.Equal(40, refused?.RetryAfterSeconds);

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(limiter.TryStart("local"));
        Assert.NotNull(limiter.TryStart("local"));
    }

    [Fact]
    public void A_concurrent_burst_lets_exactly_the_limit_through()
    {
        var limiter = Limiter(new UserLimitOptions { RequestsPerMinute = 4 }, TimeProvider.System);
        var accepted = 0;
        Parallel.For(0, 200, _ =>
        {
            if (limiter.TryStart("local") is null)
                Interlocked.Increment(ref accepted);
        });
        Assert.Equal(4, accepted);
    }

    [Fact]
    public void The_budget_renews_at_utc_midnight_and_retry_after_points_there()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 23, 0, 0, TimeSpan.Zero));
        var limiter = Limiter(new UserLimitOptions { DailyTokenLimit = 100 }, clock);

        Assert.Null(limiter.TryStart("local"));
        limiter.RecordTokens("local", 60);
        Assert.Null(limiter.TryStart("local"));
        limiter.RecordTokens("local", 60);
        var refused = limiter.TryStart("local");
        Assert.Equal("budget_exhausted", refused?.Code);
        Assert.Equal(3600, refused?.RetryAfterSeconds);

        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(limiter.TryStart("local"));
    }

    [Fact]
    public void Stream_slots_are_taken_and_released_once()
    {
        var limiter = Limiter(new UserLimitOptions { MaxConcurrentStreams = 1 }, TimeProvider.System);

        var first = limiter.TryOpenStream("local");
        Assert.NotNull(first);
        Assert.Null(limiter.TryOpenStream("local"));
        Assert.NotNull(limiter.TryOpenStream("other"));
        first!.Dispose();
        first.Dispose();
        using var second = limiter.TryOpenStream("local");
        Assert.NotNull(second);
        Assert.Null(limiter.TryOpenStream("local"));
    }

    [Fact]
    public void No_limits_by_default()
    {
        var limiter = Limiter(new UserLimitOptions(), TimeProvider.System);
        for (var i = 0; i < 1000; i++)
            Assert.Null(limiter.TryStart("local"));
        var slots = Enumerable.Range(0, 100).Select(_ => limiter.TryOpenStream("local")).ToList();
        Assert.All(slots, Assert.NotNull);
    }

    [Fact]
    public void A_flood_of_callers_is_pruned_and_a_flooding_caller_keeps_only_its_window()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = Limiter(new UserLimitOptions { RequestsPerMinute = 3 }, clock);

        for (var i = 0; i < 100_000; i++)
            limiter.TryStart("local");
        Assert.Equal(1, limiter.TrackedCallers);

        for (var i = 0; i < 3 * InMemoryUserLimiter.SoftCallerLimit; i++)
        {
            limiter.TryStart($"user{i}");
            if (i % 1000 == 0)
                clock.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.True(limiter.TrackedCallers <= InMemoryUserLimiter.SoftCallerLimit + 1000, $"{limiter.TrackedCallers} callers tracked");

        clock.Advance(TimeSpan.FromDays(2));
        limiter.TryStart("late");
        Assert.Equal(1, limiter.TrackedCallers);
    }

    [Fact]
    public void Negative_limits_fail_validation()
    {
        var validator = new UserLimitOptionsValidator();
        Assert.True(validator.Validate(null, new UserLimitOptions()).Succeeded);
        Assert.Contains("MaxConcurrentStreams", validator.Validate(null, new UserLimitOptions { MaxConcurrentStreams = -1 }).FailureMessage);
        Assert.Contains("REQUESTS_PER_MINUTE", validator.Validate(null, new UserLimitOptions { RequestsPerMinute = -1 }).FailureMessage);
        Assert.Contains("DAILY_TOKEN_LIMIT", validator.Validate(null, new UserLimitOptions { DailyTokenLimit = -1 }).FailureMessage);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
