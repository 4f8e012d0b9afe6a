using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Redis;

namespace Parley.Tests.Redis;

/// <summary>One private redis-server per test class (xunit class fixture).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A connection of its own (as another instance would have), with keys under <paramref name="prefix"/>.</summary>
    public RedisConnection Connect(string prefix, RedisOptions? options = null)
    {
        options ??= new RedisOptions();
        options.Url = Server.Url;
        options.KeyPrefix = prefix;
        var connection = new RedisConnection(Options.Create(options), NullLogger<RedisConnection>.Instance, TimeProvider.System);
        connection.Connect();
        Assert.True(connection.IsAvailable, $"Redis on port {Server.Port} did not answer");
        return connection;
    }
}
