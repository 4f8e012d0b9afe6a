namespace Parley.Identity;

/// <summary>A local account that signs in to the web app by <see cref="Name"/>; everything it owns is stored under <see cref="Id"/>.</summary>
/// <param name="Id">The owner id (<see cref="UserIds"/>): stable, random, never shown to other users and never derived from the name.</param>
/// <param name="PasswordHash">ASP.NET Core Identity's PBKDF2 format; never leaves the store or reaches a log.</param>
public sealed record UserAccount(string Id, string Name, string PasswordHash, bool IsAdmin, DateTimeOffset CreatedAt);
