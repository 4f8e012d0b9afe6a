namespace Parley.Errors;

/// <summary>A provider (OpenAI, Anthropic, mock, ...) call failed; built by <see cref="ProviderErrors"/>.</summary>
public sealed class ProviderException(
    string code, int status, string message, int? upstreamStatus = null, TimeSpan? retryAfter = null, Exception? inner = null)
    : ParleyException(code, status, message, inner)
{
    /// <summary>The status the upstream answered with, when it answered at all.</summary>
    public int? UpstreamStatus { get; } = upstreamStatus;

    /// <summary>The upstream's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Worth another attempt: rate limits, 5xx, timeouts and network failures.</summary>
    public bool IsTransient => Code is ErrorCodes.ProviderRateLimited or ErrorCodes.ProviderUnavailable or ErrorCodes.ProviderTimeout;
}
