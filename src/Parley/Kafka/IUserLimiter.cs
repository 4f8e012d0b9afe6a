using Parley.Errors;

namespace Parley.Kafka;

/// <summary>
/// Per-user request rate and daily token budget for the Kafka worker, keyed by <c>user_email</c>.
/// A stand-in until the policies issue (issue 5) brings shared policies; that issue replaces this seam.
/// </summary>
public interface IUserLimiter
{
    /// <summary>Counts one request for <paramref name="user"/>; returns why it is refused (<c>rate_limited</c>, <c>budget_exhausted</c>) or null.</summary>
    ParleyException? TryStart(string user);

    /// <summary>Adds the tokens a request used to the user's daily budget.</summary>
    void RecordTokens(string user, long tokens);
}

public static class UserLimitCodes
{
    public const string RateLimited = "rate_limited";

    public const string BudgetExhausted = "budget_exhausted";
}
