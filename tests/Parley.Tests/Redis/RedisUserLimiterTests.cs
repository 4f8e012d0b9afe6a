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
    public void Two_instances_share_one_window_and_a_burst_over_both_does_not_overshoot()
    {
        var options = new UserLimitOptions { RequestsPerMinute = 7 };
        var instances = new[] { Create(options, TimeProvider.System), Create(options, TimeProvider.System) };
        var accepted = 0;
        Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            if (instances[i % 2].TryStart("local") is null)
                Interlocked.Increment(ref accepted);
        });
        Assert.Equal(7, accepted);
    }

    [Fact]
    public void Tokens_recorded_on_one_instance_count_against_the_budget_on_another()
    {
        var options = new UserLimitOptions { DailyTokenLimit = 50, MaxConcurrentStreams = 1 };
        var a = Create(options, TimeProvider.System);
        var b = Create(options, TimeProvider.System);
        a.RecordTokens("local", 80);
        Assert.Equal("budget_exhausted", b.TryStart("local")?.Code);

        using var slot = a.TryOpenStream("local");
        Assert.NotNull(slot);
        Assert.Null(b.TryOpenStream("local"));
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
            connection.Dispose();
    }
}
