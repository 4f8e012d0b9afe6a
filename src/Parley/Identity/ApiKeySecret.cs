using System.Security.Cryptography;
using System.Text;

namespace Parley.Identity;

/// <summary>
/// The key format <c>pk_{id}_{secret}</c>: a 12-character public id that finds the stored key, then 32 random bytes
/// (base64url) compared by their SHA-256. The secret has 256 bits of entropy, so a fast hash is the right one here;
/// passwords, which are guessable, use <see cref="Passwords"/> instead.
/// </summary>
public static class ApiKeySecret
{
    public const string Marker = "pk_";

    private const int IdLength = 12;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static (string Id, string Secret) Generate()
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Marker}{id}_{secret}");
    }

    /// <summary>True for anything shaped like a Parley key (so it is checked, never ignored).</summary>
    public static bool LooksLikeKey(string token) => token.StartsWith(Marker, StringComparison.Ordinal);

    /// <summary>The public id of a well-formed key, or null.</summary>
    public static string? IdOf(string key)
    {
        if (!LooksLikeKey(key) || key.Length < Marker.Length + IdLength + 2 || key[Marker.Length + IdLength] != '_')
            return null;
        var id = key.Substring(Marker.Length, IdLength);
        return id.All(IdAlphabet.Contains) ? id : null;
    }

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static bool Matches(string key, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(storedHash));

    /// <summary>A random web-session token (the cookie's value).</summary>
    public static string NewSessionToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
