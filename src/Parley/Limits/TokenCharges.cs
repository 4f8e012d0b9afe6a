using Parley.Usage;

namespace Parley.Limits;

public static class TokenCharges
{
    /// <summary>Adds <paramref name="tokens"/> to the caller's daily budget, and to its API key's own when it came through one.</summary>
    public static async ValueTask ChargeTokensAsync(this IUserLimiter limiter, Caller caller, long tokens)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(caller);
        if (tokens <= 0)
            return;
        await limiter.RecordTokensAsync(caller.Owner, tokens).ConfigureAwait(false);
        if (caller.KeyId is { } key)
            await limiter.RecordTokensAsync(LimitsEndpointFilter.KeyCaller(key), tokens).ConfigureAwait(false);
    }
}
