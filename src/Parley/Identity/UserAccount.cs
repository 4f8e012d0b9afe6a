namespace Parley.Identity;

/// <summary>A local account that signs in to the web app. <see cref="Name"/> is the owner of its conversations.</summary>
/// <param name="PasswordHash">ASP.NET Core Identity's PBKDF2 format; never leaves the store or reaches a log.</param>
public sealed record UserAccount(string Name, string PasswordHash, bool IsAdmin, DateTimeOffset CreatedAt);
