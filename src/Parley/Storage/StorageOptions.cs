using Microsoft.Extensions.Options;

namespace Parley.Storage;

/// <summary>Section <c>Parley:Storage</c>: where conversations are kept.</summary>
public sealed class StorageOptions
{
    public const string Section = "Parley:Storage";

    public const string Sqlite = "sqlite";

    public const string Redis = "redis";

    public const string Memory = "memory";

    /// <summary>
    /// PARLEY_STORAGE_PROVIDER: <c>sqlite</c> (default, a file under the data directory; PostgreSQL with DATABASE_URL),
    /// <c>redis</c> (seed 004's Redis-backed history: needs REDIS_URL, keeps the newest HISTORY_MAX_TURNS turns, expires
    /// after HISTORY_TTL_SECONDS; REDIS_URL without DATABASE_URL chooses it) or <c>memory</c> (this process only, gone on restart).
    /// </summary>
    public string Provider { get; set; } = Sqlite;
}

public sealed class StorageOptionsValidator(IOptions<Redis.RedisOptions> redis) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(options.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Provider, StorageOptions.Redis, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Provider, StorageOptions.Memory, StringComparison.OrdinalIgnoreCase))
            return ValidateOptionsResult.Fail($"Parley:Storage:Provider (PARLEY_STORAGE_PROVIDER) must be 'sqlite', 'redis' or 'memory', not '{options.Provider}'.");
        if (string.Equals(options.Provider, StorageOptions.Redis, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(redis.Value.Url))
            return ValidateOptionsResult.Fail("Parley:Storage:Provider is 'redis' but no Redis is configured: set REDIS_URL (Parley:Redis:Url).");
        return ValidateOptionsResult.Success;
    }
}
