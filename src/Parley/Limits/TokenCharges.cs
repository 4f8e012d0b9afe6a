using Parley.Usage;

namespace Parley.Limits;

public static class TokenCharges
{
    /// <summary>Adds <paramref name="tokens"/> to the caller's daily budget, and to its API key's own when it came through one.</summary>
    public static void ChargeTokens(this IUserLimiter limiter, Caller caller, long tokens)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(caller);
        if (tokens <= 0)
            return;
        limiter.RecordTokens(caller.Owner, tokens);
        if (caller.KeyId is { } key)
            limiter.RecordTokens(LimitsEndpointFilter.KeyCaller(key), tokens);
    }
}
