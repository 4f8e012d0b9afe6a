using Microsoft.Extensions.Options;
using Parley.Limits;
using Parley.Redis;
using Parley.Tests.Limits;

namespace Parley.Tests.Redis;

/// <summary>The limiter contract against a real Redis, plus what only a shared limiter can do.</summary>
public sealed class RedisUserLimiterTests(RedisFixture redis) : UserLimiterContract, IClassFixture<RedisFixture>, IDisposable
{
    private readonly string _test = $"t{Guid.NewGuid():N}:";
    private readonly List<RedisConnection> _connections = [];

    protected override IUserLimiter Create(UserLimitOptions options, TimeProvider clock)
    {
        var connection = redis.Connect(_test);
        _connections.Add(connection);
        var wrapped = Options.Create(options);
        return new RedisUserLimiter(connection, new InMemoryUserLimiter(wrapped, clock), wrapped, clock);
    }

    [Fact]
    public async Task Two_instances_share_one_window_and_a_burst_over_both_does_not_overshoot()
    {
        var options = new UserLimitOptions { RequestsPerMinute = 7 };
        var instances = new[] { Create(options, TimeProvider.System), Create(options, TimeProvider.System) };
        var accepted = 0;
        await Parallel.ForAsync(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            if (await instances[i % 2].TryStartAsync("local") is null)
                Interlocked.Increment(ref accepted);
        });
        Assert.Equal(7, accepted);
    }

    [Fact]
    public async Task Tokens_recorded_on_one_instance_count_against_the_budget_on_another()
    {
        var options = new UserLimitOptions { DailyTokenLimit = 50, MaxConcurrentStreams = 1 };
        var a = Create(options, TimeProvider.System);
        var b = Create(options, TimeProvider.System);
        await a.RecordTokensAsync("local", 80);
        Assert.Equal("budget_exhausted", (await b.TryStartAsync("local"))?.Code);

        using var slot = await a.TryOpenStreamAsync("local");
        Assert.NotNull(slot);
        Assert.Null(await b.TryOpenStreamAsync("local"));
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
            connection.Dispose();
    }
}
