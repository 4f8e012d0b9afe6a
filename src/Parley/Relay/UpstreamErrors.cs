using Parley.Errors;

namespace Parley.Relay;

/// <summary>
/// How a relayed upstream's error answer reaches the client. A 4xx about the request itself keeps the upstream's status
/// and message, so the client sees what it would have seen calling the upstream directly. Rate limits, 5xx and a
/// rejected provider key (Parley's configuration, not the client's request) map as on every other path.
/// </summary>
public static class UpstreamErrors
{
    public static ProviderException FromAnswer(string providerName, int status, string? message, TimeSpan? retryAfter)
    {
        if (status is >= 400 and < 500 and not (401 or 403 or 408 or 429) && !string.IsNullOrWhiteSpace(message))
        {
            var mapped = ProviderErrors.FromStatus(providerName, status, message, retryAfter);
            var code = mapped.Code is ErrorCodes.ContextTooLong or ErrorCodes.ContentFiltered or ErrorCodes.ModelNotFound ? mapped.Code : ErrorCodes.InvalidRequest;
            return new ProviderException(code, status, message, status, retryAfter);
        }
        return ProviderErrors.FromStatus(providerName, status, message, retryAfter);
    }

    /// <summary>An error the upstream sent after the reply began (OpenAI sends a chunk holding only <c>error</c>).</summary>
    public static ProviderException MidStream(string providerName, string? type, string? code, string? message)
    {
        // The HTTP status was 200; the error's type stands in for it so the usual mapping applies.
        var status = (type + " " + code) switch
        {
            var kind when kind.Contains("rate_limit", StringComparison.Ordinal) => 429,
            var kind when kind.Contains("invalid_request", StringComparison.Ordinal) => 400,
            _ => 500,
        };
        return ProviderErrors.FromStatus(providerName, status, code is null ? message : $"{message} ({code})");
    }

    /// <summary>The upstream's reply was not what its API promises (invalid JSON, an unexpected shape).</summary>
    public static ProviderException Invalid(string providerName, Exception? inner) =>
        new(ErrorCodes.ProviderUnavailable, 502,
            $"{providerName} sent a reply Parley could not read (invalid JSON). Try again shortly or pick another model.", inner: inner);
}
