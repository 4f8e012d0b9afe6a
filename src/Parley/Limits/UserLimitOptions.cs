using Microsoft.Extensions.Options;

namespace Parley.Limits;

/// <summary>
/// Per-caller limits (<c>Parley:Limits</c>), applied on every chat surface before anything is stored or a provider is
/// called. The caller is the local user in single-user mode, the <c>user_email</c> on Kafka, <c>bot:{name}:{user}</c> for bots.
/// Empty or 0 means no limit.
/// </summary>
public sealed class UserLimitOptions
{
    public const string Section = "Parley:Limits";

    /// <summary>REQUESTS_PER_MINUTE per caller (sliding one-minute window); empty or 0 means no limit.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>DAILY_TOKEN_LIMIT per caller (total tokens, UTC day); empty or 0 means no limit. Counted after each call, so requests already in flight can overshoot it by their own tokens.</summary>
    public long? DailyTokenLimit { get; set; }

    /// <summary>Chat requests (streams) one caller may have open at once; empty or 0 means no limit.</summary>
    public int? MaxConcurrentStreams { get; set; }
}

public sealed class UserLimitOptionsValidator : IValidateOptions<UserLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, UserLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RequestsPerMinute is < 0)
            return ValidateOptionsResult.Fail($"Parley:Limits:RequestsPerMinute (REQUESTS_PER_MINUTE) must be 0 (no limit) or more, not {options.RequestsPerMinute}.");
        if (options.DailyTokenLimit is < 0)
            return ValidateOptionsResult.Fail($"Parley:Limits:DailyTokenLimit (DAILY_TOKEN_LIMIT) must be 0 (no limit) or more, not {options.DailyTokenLimit}.");
        if (options.MaxConcurrentStreams is < 0)
            return ValidateOptionsResult.Fail($"Parley:Limits:MaxConcurrentStreams must be 0 (no limit) or more, not {options.MaxConcurrentStreams}.");
        return ValidateOptionsResult.Success;
    }
}
