using Parley.Errors;

namespace Parley.Limits;

/// <summary>
/// Per-caller limits shared by every surface (HTTP APIs, bots, the Kafka worker): requests per minute, tokens per UTC day
/// and concurrent streams, keyed by the caller (<c>local</c>, a Kafka <c>user_email</c>, <c>bot:{name}:{user}</c>).
/// </summary>
public interface IUserLimiter
{
    /// <summary>Counts one request for <paramref name="user"/> under the configured limits; returns why it is refused (<c>rate_limited</c>, <c>budget_exhausted</c>) or null.</summary>
    ValueTask<LimitExceededException?> TryStartAsync(string user);

    /// <summary>As <see cref="TryStartAsync(string)"/>, under the given limits (an API key's own).</summary>
    ValueTask<LimitExceededException?> TryStartAsync(string user, UserLimitOptions limits);

    /// <summary>Takes one concurrent-stream slot; null (and nothing taken) when the caller already has the maximum open. Dispose to release.</summary>
    ValueTask<IDisposable?> TryOpenStreamAsync(string user);

    /// <summary>As <see cref="TryOpenStreamAsync(string)"/>, under the given limits (an API key's own).</summary>
    ValueTask<IDisposable?> TryOpenStreamAsync(string user, UserLimitOptions limits);

    /// <summary>Adds the tokens a request used to the user's daily budget.</summary>
    ValueTask RecordTokensAsync(string user, long tokens);
}

public static class UserLimitCodes
{
    public const string RateLimited = ErrorCodes.RateLimited;

    public const string BudgetExhausted = ErrorCodes.BudgetExhausted;
}
