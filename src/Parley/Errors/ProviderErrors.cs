namespace Parley.Errors;

/// <summary>
/// Maps what a provider answered into Parley's humanized errors (seed 004's humanize_error),
/// so every provider adapter reports failures the same way.
/// </summary>
public static class ProviderErrors
{
    public static ProviderException FromStatus(
        string provider, int status, string? upstreamMessage = null, TimeSpan? retryAfter = null, Exception? inner = null)
    {
        var text = upstreamMessage ?? "";
        if (LooksLikeContextOverflow(text))
            return new(ErrorCodes.ContextTooLong, 400,
                "The conversation is too long for this model. Start a new chat or pick a model with a larger context window.",
                status, retryAfter, inner);
        if (LooksLikeContentFilter(text))
            return new(ErrorCodes.ContentFiltered, 422,
                "The provider's content filter blocked this request. Rephrase the message and try again.",
                status, retryAfter, inner);

        return status switch
        {
            401 or 403 => new(ErrorCodes.ProviderAuth, 502,
                $"The {provider} API key was rejected. Check the key in Parley's configuration.", status, retryAfter, inner),
            429 => new(ErrorCodes.ProviderRateLimited, 429,
                $"{provider} is rate limiting requests. Wait a moment and try again.", status, retryAfter, inner),
            408 or 504 => Timeout(provider, inner),
            >= 300 and < 400 => new(ErrorCodes.ProviderUnavailable, 502,
                $"{provider} answered with a redirect (HTTP {status}), which Parley does not follow. Set the provider's BaseUrl to the address it redirects to.",
                status, retryAfter, inner),
            >= 500 => new(ErrorCodes.ProviderUnavailable, 502,
                $"{provider} is having trouble right now (HTTP {status}). Try again shortly or pick another model.", status, retryAfter, inner),
            404 => new(ErrorCodes.ModelNotFound, 404,
                $"{provider} does not know this model. Check the model name in Parley's configuration.", status, retryAfter, inner),
            _ => new(ErrorCodes.InvalidRequest, 400,
                $"{provider} refused the request (HTTP {status}){Detail(text)}.", status, retryAfter, inner),
        };
    }

    public static ProviderException Timeout(string provider, Exception? inner = null) =>
        new(ErrorCodes.ProviderTimeout, 504,
            $"{provider} did not answer in time. Try again, or pick a faster model.", inner: inner);

    public static ProviderException Unreachable(string provider, Exception? inner = null) =>
        new(ErrorCodes.ProviderUnavailable, 502,
            $"Parley could not reach {provider}. Check the provider's base URL and that it is running.", inner: inner);

    private static bool LooksLikeContextOverflow(string text) =>
        text.Contains("context_length_exceeded", StringComparison.OrdinalIgnoreCase)
        || text.Contains("maximum context length", StringComparison.OrdinalIgnoreCase)
        || text.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase)
        || text.Contains("too many tokens", StringComparison.OrdinalIgnoreCase);

    private static bool LooksLikeContentFilter(string text) =>
        text.Contains("content_filter", StringComparison.OrdinalIgnoreCase)
        || text.Contains("content_policy", StringComparison.OrdinalIgnoreCase)
        || text.Contains("content management policy", StringComparison.OrdinalIgnoreCase);

    // Upstream messages are shown only when short; they can echo request content but never our secrets.
    private static string Detail(string text) =>
        text.Length is > 0 and <= 300 ? $": {text.TrimEnd('.')}" : "";
}
