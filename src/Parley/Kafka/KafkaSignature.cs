using Parley.Bots;
using Parley.Errors;

namespace Parley.Kafka;

/// <summary>
/// SECRET_KEY's job: every response on the response topic carries <c>x-signature: sha256=&lt;hex HMAC-SHA256 of the
/// value&gt;</c>, so consumers can tell Parley's answers from anyone else's; a request that carries the same header is
/// answered only when it matches (<see cref="KafkaOptions.RequireSignature"/> also refuses unsigned requests).
/// </summary>
public static class KafkaSignature
{
    public const string Header = "x-signature";

    /// <summary>The header value for <paramref name="value"/>, or null when no SECRET_KEY is configured.</summary>
    public static string? Sign(KafkaOptions options, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SecretKey is { Length: > 0 } secret ? WebhookSignature.Sign(secret, value) : null;
    }

    /// <summary>Throws <c>invalid_signature</c> when a present signature does not match, or a required one is missing.</summary>
    public static void Verify(KafkaOptions options, ReadOnlySpan<byte> value, string? signature)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SecretKey is not { Length: > 0 } secret)
            return;
        if (signature is null)
        {
            if (options.RequireSignature)
                throw new ParleyException(ErrorCodes.InvalidSignature, 401,
                    $"The request has no {Header} header; sign the value with SECRET_KEY (sha256=<hex HMAC-SHA256>).");
            return;
        }
        if (!WebhookSignature.IsValid(secret, value, signature))
            throw new ParleyException(ErrorCodes.InvalidSignature, 401,
                $"The request's {Header} header does not match its value; sign the exact bytes with SECRET_KEY (sha256=<hex HMAC-SHA256>).");
    }
}
