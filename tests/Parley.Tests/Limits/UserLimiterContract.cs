using Microsoft.Extensions.Options;
using Parley.Limits;

namespace Parley.Tests.Limits;

/// <summary>The behaviour every <see cref="IUserLimiter"/> must have (in-memory and Redis run this suite).</summary>
public abstract class UserLimiterContract
{
    protected static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A limiter over fresh state; limiters made by the same test share their counts (as instances would).</summary>
    protected abstract IUserLimiter Create(UserLimitOptions options, TimeProvider clock);

    [Fact]
    public async Task The_window_resets_a_minute_after_the_oldest_request_and_retry_after_counts_down_to_it()
    {
        var clock = new ManualClock(Noon);
        var limiter = Create(new UserLimitOptions { RequestsPerMinute = 2 }, clock);

        Assert.Null(await limiter.TryStartAsync("local"));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await limiter.TryStartAsync("local"));
        var refused = await limiter.TryStartAsync("local");
        Assert.Equal("rate_limited", refused?.Code);
        Assert.Equal(429, refused?.Status);
        Assert.Equal(40, refused?.RetryAfterSeconds);
        Assert.Null(await limiter.TryStartAsync("someone-else"));

        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Null(await limiter.TryStartAsync("local"));
        Assert.NotNull(await limiter.TryStartAsync("local"));
    }

    [Fact]
    public async Task A_concurrent_burst_lets_exactly_the_limit_through()
    {
        var limiter = Create(new UserLimitOptions { RequestsPerMinute = 4 }, TimeProvider.System);
        var accepted = 0;
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            if (await limiter.TryStartAsync("local") is null)
                Interlocked.Increment(ref accepted);
        });
        Assert.Equal(4, accepted);
    }

    [Fact]
    public async Task The_budget_renews_at_utc_midnight_and_retry_after_points_there()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 23, 0, 0, TimeSpan.Zero));
        var limiter = Create(new UserLimitOptions { DailyTokenLimit = 100 }, clock);

        Assert.Null(await limiter.TryStartAsync("local"));
        await limiter.RecordTokensAsync("local", 60);
        Assert.Null(await limiter.TryStartAsync("local"));
        await limiter.RecordTokensAsync("local", 60);
        var refused = await limiter.TryStartAsync("local");
        Assert.Equal("budget_exhausted", refused?.Code);
        Assert.Equal(3600, refused?.RetryAfterSeconds);
        Assert.Null(await limiter.TryStartAsync("other"));

        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await limiter.TryStartAsync("local"));
    }

    [Fact]
    public async Task Stream_slots_are_taken_and_released_once()
    {
        var limiter = Create(new UserLimitOptions { MaxConcurrentStreams = 1 }, TimeProvider.System);

        var first = await limiter.TryOpenStreamAsync("local");
        Assert.NotNull(first);
        Assert.Null(await limiter.TryOpenStreamAsync("local"));
        Assert.NotNull(await limiter.TryOpenStreamAsync("other"));
        first!.Dispose();
        first.Dispose();
        using var second = await limiter.TryOpenStreamAsync("local");
        Assert.NotNull(second);
        Assert.Null(await limiter.TryOpenStreamAsync("local"));
    }

    [Fact]
    public async Task A_concurrent_burst_of_streams_takes_exactly_the_maximum()
    {
        var limiter = Create(new UserLimitOptions { MaxConcurrentStreams = 3 }, TimeProvider.System);
        var slots = new System.Collections.Concurrent.ConcurrentBag<IDisposable>();
        await Parallel.ForAsync(0, 50, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            if (await limiter.TryOpenStreamAsync("local") is { } slot)
                slots.Add(slot);
        });
        Assert.Equal(3, slots.Count);
        foreach (var slot in slots)
            slot.Dispose();
        Assert.NotNull(await limiter.TryOpenStreamAsync("local"));
    }

    [Fact]
    public async Task Explicit_limits_an_api_keys_own_apply_instead_of_the_configured_ones()
    {
        var limiter = Create(new UserLimitOptions { RequestsPerMinute = 100 }, new ManualClock(Noon));
        var key = new UserLimitOptions { RequestsPerMinute = 1, MaxConcurrentStreams = 1 };

        Assert.Null(await limiter.TryStartAsync("key:k1", key));
        Assert.Equal("rate_limited", (await limiter.TryStartAsync("key:k1", key))?.Code);
        Assert.Null(await limiter.TryStartAsync("key:k1"));
        using var slot = await limiter.TryOpenStreamAsync("key:k1", key);
        Assert.NotNull(slot);
        Assert.Null(await limiter.TryOpenStreamAsync("key:k1", key));
    }

    [Fact]
    public async Task No_limits_by_default()
    {
        var limiter = Create(new UserLimitOptions(), TimeProvider.System);
        for (var i = 0; i < 200; i++)
            Assert.Null(await limiter.TryStartAsync("local"));
        var slots = new List<IDisposable?>();
        for (var i = 0; i < 50; i++)
            slots.Add(await limiter.TryOpenStreamAsync("local"));
        Assert.All(slots, Assert.NotNull);
    }

    protected sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

public sealed class InMemoryUserLimiterContractTests : UserLimiterContract
{
    protected override IUserLimiter Create(UserLimitOptions options, TimeProvider clock) =>
        new InMemoryUserLimiter(Options.Create(options), clock);
}
