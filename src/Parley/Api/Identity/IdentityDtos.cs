using Parley.Identity;

namespace Parley.Api.Identity;

public sealed record SessionUserDto(string Name, bool IsAdmin);

public sealed record SessionDto(SessionUserDto User, string Mode, string Via);

public sealed record SignInRequest(string? Username, string? Password);

/// <param name="RevokeKeys">True also revokes every API key of the account; by default keys stay valid (see README, Security).</param>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword, bool RevokeKeys = false);

public sealed record CreateKeyRequest(
    string? Name, string? Owner, IReadOnlyList<string>? Models, int? RequestsPerMinute, long? DailyTokenLimit, int? MaxConcurrentStreams, DateTimeOffset? ExpiresAt);

public sealed record KeyDto(
    string Id, string Name, string Owner, string Prefix, IReadOnlyList<string> Models, int? RequestsPerMinute, long? DailyTokenLimit,
    int? MaxConcurrentStreams, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    /// <param name="ownerName">The owner as people know them (<see cref="OwnerNames"/>), not the stored owner id.</param>
    public static KeyDto From(ApiKey key, string ownerName)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Id, key.Name, ownerName, key.Prefix, key.Models, key.RequestsPerMinute, key.DailyTokenLimit, key.MaxConcurrentStreams,
            key.ExpiresAt, key.CreatedAt, key.LastUsedAt, key.RevokedAt);
    }
}

/// <summary>A key as created: <see cref="Key"/> is the secret, answered this once and never stored.</summary>
public sealed record CreatedKeyDto(
    string Id, string Name, string Owner, string Prefix, IReadOnlyList<string> Models, int? RequestsPerMinute, long? DailyTokenLimit,
    int? MaxConcurrentStreams, DateTimeOffset? ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string Key);

public sealed record ItemsDto<T>(IReadOnlyList<T> Items);

public sealed record UserDto(string Name, bool IsAdmin, DateTimeOffset CreatedAt)
{
    public static UserDto From(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Name, user.IsAdmin, user.CreatedAt);
    }
}

public sealed record CreateUserRequest(string? Name, string? Password, bool IsAdmin = false);
