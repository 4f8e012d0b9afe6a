namespace Parley.Kafka;

/// <summary>
/// The <c>Parley:Limits</c> section as the Kafka worker reads it (REQUESTS_PER_MINUTE, DAILY_TOKEN_LIMIT).
/// The policies issue (issue 5) owns this section and replaces <see cref="InMemoryUserLimiter"/>.
/// </summary>
public sealed class UserLimitOptions
{
    public const string Section = "Parley:Limits";

    /// <summary>REQUESTS_PER_MINUTE per <c>user_email</c>; empty or 0 means no limit.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>DAILY_TOKEN_LIMIT per <c>user_email</c> (total tokens, UTC day); empty or 0 means no limit.</summary>
    public long? DailyTokenLimit { get; set; }
}
