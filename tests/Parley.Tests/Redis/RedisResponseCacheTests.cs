using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Parley.Caching;
using Parley.Redis;

namespace Parley.Tests.Redis;

/// <summary>The Redis response cache as a distributed cache: shared entries, their count, the entry bound and the expiry.</summary>
public sealed class RedisResponseCacheTests(RedisFixture redis) : IClassFixture<RedisFixture>, IDisposable
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";
    private readonly List<RedisConnection> _connections = [];

    private RedisResponseCache Create(CacheOptions options)
    {
        var connection = redis.Connect(_prefix);
        _connections.Add(connection);
        var wrapped = Options.Create(options);
        return new RedisResponseCache(connection, new MemoryResponseCache(wrapped, TimeProvider.System), wrapped, TimeProvider.System);
    }

    private static DistributedCacheEntryOptions For(TimeSpan ttl) => new() { AbsoluteExpirationRelativeToNow = ttl };

    [Fact]
    public async Task An_entry_stored_by_one_instance_is_read_by_another_and_counted_once()
    {
        var a = Create(new CacheOptions { Enabled = true });
        var b = Create(new CacheOptions { Enabled = true });

        await a.SetAsync("k1", [1, 2, 3], For(TimeSpan.FromMinutes(1)));

        Assert.Equal([1, 2, 3], await b.GetAsync("k1"));
        Assert.Equal([1, 2, 3], b.Get("k1"));
        Assert.Null(await b.GetAsync("k2"));
        Assert.Equal(1, await a.CountAsync());
        Assert.Equal(1, await b.CountAsync());
        await b.RemoveAsync("k1");
        Assert.Null(await a.GetAsync("k1"));
        Assert.Equal(0, await a.CountAsync());
    }

    [Fact]
    public async Task Beyond_max_entries_the_soonest_to_expire_is_evicted_and_large_entries_are_refused()
    {
        var cache = Create(new CacheOptions { Enabled = true, MaxEntries = 2, MaxEntryBytes = 1024 });

        await cache.SetAsync("short", [1], For(TimeSpan.FromMinutes(1)));
        await cache.SetAsync("long", [2], For(TimeSpan.FromMinutes(30)));
        cache.Set("middle", [3], For(TimeSpan.FromMinutes(10)));
        await cache.SetAsync("large", new byte[2048], For(TimeSpan.FromMinutes(60)));

        Assert.Equal(2, await cache.CountAsync());
        Assert.Null(await cache.GetAsync("short"));
        Assert.Null(await cache.GetAsync("large"));
        Assert.Equal([2], await cache.GetAsync("long"));
        Assert.Equal([3], await cache.GetAsync("middle"));
        Assert.Equal(":2", await redis.Server.CommandAsync($"ZCARD {_prefix}cache:index"));
    }

    [Fact]
    public async Task Redis_expires_the_entry_no_later_than_the_configured_ttl()
    {
        var cache = Create(new CacheOptions { Enabled = true, TtlSeconds = 60 });

        await cache.SetAsync("k", [1], For(TimeSpan.FromDays(1)));

        var ttl = await redis.Server.CommandAsync($"PTTL {_prefix}cache:entry:k");
        var ms = long.Parse(ttl.TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ms, 1, 60_000);
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
            connection.Dispose();
    }
}
