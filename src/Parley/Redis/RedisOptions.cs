using Microsoft.Extensions.Options;

namespace Parley.Redis;

/// <summary>
/// Section <c>Parley:Redis</c>: an optional Redis shared by several Parley instances (rate-limit and budget counters,
/// the response cache, stop signals) and, with <c>Parley:Storage:Provider=redis</c>, seed 004's Redis-backed history.
/// When Redis is configured but unreachable, Parley keeps serving from in-process state and says so in /health.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Parley:Redis";

    /// <summary>Seed 004's REDIS_URL: <c>redis://[:password@]host:port/db</c> (<c>rediss://</c> for TLS); empty turns Redis off.</summary>
    public string? Url { get; set; }

    /// <summary>Prefix of every key and channel Parley uses, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "parley:";

    /// <summary>Milliseconds to wait for a connection at startup before serving without Redis (it keeps retrying).</summary>
    public int ConnectTimeoutMs { get; set; } = 3000;

    /// <summary>Seed 004's HISTORY_MAX_TURNS: turns (a user message and its reply) kept per conversation in the Redis history; older ones are trimmed.</summary>
    public int HistoryMaxTurns { get; set; } = 20;

    /// <summary>Seed 004's HISTORY_TTL_SECONDS: a Redis-stored conversation expires this long after its last write (default 30 days).</summary>
    public int HistoryTtlSeconds { get; set; } = 2_592_000;
}

public sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.Url) && RedisUrl.Problem(options.Url) is { } problem)
            return ValidateOptionsResult.Fail($"Parley:Redis:Url (REDIS_URL): {problem}");
        if (options.HistoryMaxTurns < 1)
            return ValidateOptionsResult.Fail($"Parley:Redis:HistoryMaxTurns (HISTORY_MAX_TURNS) must be 1 or more, not {options.HistoryMaxTurns}.");
        if (options.HistoryTtlSeconds < 1)
            return ValidateOptionsResult.Fail($"Parley:Redis:HistoryTtlSeconds (HISTORY_TTL_SECONDS) must be 1 or more, not {options.HistoryTtlSeconds}.");
        if (options.ConnectTimeoutMs is < 100 or > 60_000)
            return ValidateOptionsResult.Fail($"Parley:Redis:ConnectTimeoutMs must be between 100 and 60000, not {options.ConnectTimeoutMs}.");
        return ValidateOptionsResult.Success;
    }
}
