using System.Security.Cryptography;
using System.Text;

namespace Parley.Bots;

/// <summary><c>X-Parley-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>, compared in constant time.</summary>
public static class WebhookSignature
{
    public const string Header = "X-Parley-Signature";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith("sha256=", StringComparison.Ordinal))
            return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, body));
        var given = Encoding.ASCII.GetBytes(header.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
