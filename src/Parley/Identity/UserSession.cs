namespace Parley.Identity;

/// <summary>A web sign-in of the account <see cref="UserId"/>: the cookie carries a random token, the store only its SHA-256.</summary>
public sealed record UserSession(string TokenHash, string UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
