using System.Security.Cryptography;

namespace Parley.Identity;

/// <summary>
/// The owner id of an account: <c>u_</c> and 32 lower-case hex digits (128 random bits), given at creation and never
/// reused. Everything an account owns (conversations, usage, keys, sessions, settings, share links) is stored under
/// it, so a later account with the same name starts empty. Accounts from before ids existed keep their normalised name
/// as their id. Owners without an account (<c>local</c>, a key's owner name) are their own id.
/// </summary>
public static class UserIds
{
    public const string Prefix = "u_";

    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Names an owner without an account cannot have, so such an owner can never be another account's id.</summary>
    public static bool IsReserved(string normalizedName) => normalizedName.StartsWith(Prefix, StringComparison.Ordinal);
}
