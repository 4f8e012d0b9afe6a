using Parley.Operations;

namespace Parley.Tests.Operations;

/// <summary>How <c>doctor</c> reads DATABASE_URL, REDIS_URL and BOOTSTRAP_SERVER into hosts and ports.</summary>
public sealed class DeployEndpointParsingTests
{
    [Theory]
    [InlineData("postgres://parley:secret@db.internal:6543/parley", "db.internal", 6543)]
    [InlineData("postgresql://parley@db/parley", "db", 5432)]
    [InlineData("Host=pg;Port=15432;Username=parley;Password=secret;Database=parley", "pg", 15432)]
    [InlineData("Server=pg2;Database=parley", "pg2", 5432)]
    [InlineData("host=a,b;port=5433", "a", 5433)]
    public void Database_urls_and_connection_strings_give_host_and_port(string value, string host, int port) =>
        Assert.Equal((host, port), NetworkEndpoints.ParseDatabaseUrl(value));

    [Theory]
    [InlineData("Database=parley;Username=x")]
    [InlineData("Host=pg;Port=abc")]
    [InlineData("mysql://db/parley")]
    public void Database_urls_without_a_postgres_host_are_rejected(string value) =>
        Assert.Null(NetworkEndpoints.ParseDatabaseUrl(value));

    [Theory]
    [InlineData("redis://127.0.0.1:6380/2", "127.0.0.1", 6380, null, null)]
    [InlineData("redis://cache", "cache", 6379, null, null)]
    [InlineData("redis://:p%40ss@cache:6379/0", "cache", 6379, null, "p@ss")]
    [InlineData("redis://default:pw@cache:6379", "cache", 6379, "default", "pw")]
    [InlineData("rediss://[::1]:6390/0", "::1", 6390, null, null)]
    public void Redis_urls_give_host_port_and_credentials(string url, string host, int port, string? user, string? password) =>
        Assert.Equal((host, port, user, password), RedisPing.Parse(url));

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("http://cache:6379")]
    public void Non_redis_urls_are_rejected(string url) => Assert.Null(RedisPing.Parse(url));

    [Theory]
    [InlineData("kafka:9092", "kafka", 9092)]
    [InlineData("kafka", "kafka", 9092)]
    [InlineData("[::1]:19092", "::1", 19092)]
    public void Bootstrap_servers_give_host_and_port(string text, string host, int port) =>
        Assert.Equal((host, port), NetworkEndpoints.ParseHostPort(text, 9092));
}
