using System.Globalization;
using System.Net.Sockets;
using Parley.Errors;

namespace Parley.Providers;

/// <summary>
/// The failures every HTTP provider adapter shares: no answer in time, no connection, a connection dropped mid-reply,
/// and the Retry-After headers. (Used by the OpenAI and Anthropic adapters; it belongs in Providers/ when that folder
/// gets more than the options.)
/// </summary>
internal static class TransportFailures
{
    /// <summary>
    /// Maps a failure that carries no HTTP status to a <see cref="ProviderException"/>, or returns null when the caller
    /// cancelled (the <see cref="OperationCanceledException"/> must propagate as is) or the failure is not a transport one.
    /// </summary>
    public static ProviderException? Map(string provider, Exception exception, bool replyStarted, CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
            return null;

        return exception switch
        {
            ProviderException => null,
            OperationCanceledException or TimeoutException => ProviderErrors.Timeout(provider, exception),
            HttpRequestException { InnerException: TimeoutException } => ProviderErrors.Timeout(provider, exception),
            HttpRequestException or IOException or SocketException when replyStarted => Interrupted(provider, exception),
            HttpRequestException or IOException or SocketException => ProviderErrors.Unreachable(provider, exception),
            _ => null,
        };
    }

    /// <summary>The connection broke after the reply started: the provider, not the configuration, is at fault.</summary>
    public static ProviderException Interrupted(string provider, Exception? inner) =>
        new(ErrorCodes.ProviderUnavailable, 502,
            $"{provider} stopped answering in the middle of the reply. Try again shortly or pick another model.", inner: inner);

    /// <summary>Reads <c>retry-after-ms</c> (OpenAI) or <c>Retry-After</c> (seconds or an HTTP date).</summary>
    public static TimeSpan? ParseRetryAfter(string? retryAfter, string? retryAfterMs = null)
    {
        if (double.TryParse(retryAfterMs, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
            return TimeSpan.FromMilliseconds(ms);
        if (string.IsNullOrWhiteSpace(retryAfter))
            return null;
        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
