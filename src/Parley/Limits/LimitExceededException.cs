using Parley.Errors;

namespace Parley.Limits;

/// <summary>A caller over one of its limits: HTTP 429 with <see cref="RetryAfter"/> as the <c>Retry-After</c> header.</summary>
public sealed class LimitExceededException(string code, string message, TimeSpan retryAfter)
    : ParleyException(code, 429, message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>Whole seconds for the <c>Retry-After</c> header (at least 1).</summary>
    public int RetryAfterSeconds => (int)Math.Max(1, Math.Ceiling(RetryAfter.TotalSeconds));
}
