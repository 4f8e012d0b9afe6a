using Microsoft.Extensions.Options;
using Parley.Limits;

namespace Parley.Tests.Limits;

/// <summary>What only the in-memory limiter has (its shared behaviour is in <see cref="UserLimiterContract"/>).</summary>
public sealed class InMemoryUserLimiterTests
{
    [Fact]
    public void A_flood_of_callers_is_pruned_and_a_flooding_caller_keeps_only_its_window()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var limiter = new InMemoryUserLimiter(Options.Create(new UserLimitOptions { RequestsPerMinute = 3 }), clock);

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
