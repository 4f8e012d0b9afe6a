using Microsoft.AspNetCore.Identity;

namespace Parley.Identity;

/// <summary>Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted, versioned format).</summary>
public static class Passwords
{
    public const int MinimumLength = 8;

    private static readonly PasswordHasher<string> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword(string.Empty, password);

    public static bool Verify(string hash, string password)
    {
        try
        {
            return Hasher.VerifyHashedPassword(string.Empty, hash, password) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Why a new password is refused, or null.</summary>
    public static string? Weakness(string? password) =>
        string.IsNullOrEmpty(password) || password.Length < MinimumLength
            ? $"Passwords need at least {MinimumLength} characters."
            : password.Length > 1024 ? "Passwords can have at most 1024 characters." : null;
}
