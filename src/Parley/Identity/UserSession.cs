namespace Parley.Identity;

/// <summary>A web sign-in: the cookie carries a random token, the store only its SHA-256.</summary>
public sealed record UserSession(string TokenHash, string UserName, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
