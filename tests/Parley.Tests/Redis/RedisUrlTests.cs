using Parley.Redis;
using Parley.Storage;

namespace Parley.Tests.Redis;

public sealed class RedisUrlTests
{
    [Fact]
    public void Seed_004_urls_are_read_with_password_database_and_tls()
    {
        var plain = RedisUrl.Parse("redis://localhost:6379/0");
        Assert.Equal("localhost:6379", RedisUrl.Format(plain.EndPoints[0]));
        Assert.Equal(0, plain.DefaultDatabase);
        Assert.Null(plain.Password);
        Assert.False(plain.Ssl);

        var secured = RedisUrl.Parse("rediss://:p%40ss@cache.internal:6380/3");
        Assert.Equal("p@ss", secured.Password);
        Assert.Equal(3, secured.DefaultDatabase);
        Assert.True(secured.Ssl);
        Assert.Equal("cache.internal", secured.SslHost);

        Assert.Equal("secret", RedisUrl.Parse("redis://default:secret@h:1").Password);
        Assert.Equal("h:6379", RedisUrl.Format(RedisUrl.Parse("redis://h").EndPoints[0]));
    }

    [Fact]
    public void Descriptions_never_contain_the_password_and_bad_urls_fail_validation_clearly()
    {
        Assert.Equal("redis://cache.internal:6380/3", RedisUrl.Describe("redis://:hunter2@cache.internal:6380/3"));
        var validator = new RedisOptionsValidator();
        Assert.True(validator.Validate(null, new RedisOptions()).Succeeded);
        Assert.Contains("REDIS_URL", validator.Validate(null, new RedisOptions { Url = "http://x:1" }).FailureMessage);
        Assert.Contains("database", validator.Validate(null, new RedisOptions { Url = "redis://x:1/zero" }).FailureMessage);
        Assert.Contains("HISTORY_MAX_TURNS", validator.Validate(null, new RedisOptions { HistoryMaxTurns = 0 }).FailureMessage);
        Assert.Contains("HISTORY_TTL_SECONDS", validator.Validate(null, new RedisOptions { HistoryTtlSeconds = 0 }).FailureMessage);

        var storage = new StorageOptionsValidator(Microsoft.Extensions.Options.Options.Create(new RedisOptions()));
        Assert.Contains("REDIS_URL", storage.Validate(null, new StorageOptions { Provider = "redis" }).FailureMessage);
        Assert.Contains("'sqlite', 'redis' or 'memory'", storage.Validate(null, new StorageOptions { Provider = "mongo" }).FailureMessage);
        Assert.True(storage.Validate(null, new StorageOptions()).Succeeded);
    }
}
