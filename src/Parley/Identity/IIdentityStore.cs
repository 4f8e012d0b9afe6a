namespace Parley.Identity;

/// <summary>
/// Users, API keys and web sessions. Implementations: SQLite (default, same file as conversations), in-memory (tests),
/// PostgreSQL; one shared contract test suite. Users are found by name (what people type, case-insensitively) or by id
/// (what they own data under, see <see cref="UserIds"/>), never one for the other. Secrets arrive already hashed.
/// </summary>
public interface IIdentityStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>False when a user with that name (in any case) or that id exists.</summary>
    Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default);

    /// <summary>The account signing in as <paramref name="name"/> (any case).</summary>
    Task<UserAccount?> GetUserByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The account whose owner id is <paramref name="id"/>.</summary>
    Task<UserAccount?> GetUserByIdAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default);

    Task<bool> SetPasswordAsync(string userId, string passwordHash, CancellationToken cancellationToken = default);

    /// <summary>Removes the user with their sessions and revokes their keys; false when there was none.</summary>
    Task<bool> DeleteUserAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<int> CountUsersAsync(CancellationToken cancellationToken = default);

    Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken = default);

    Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Keys of one owner id, or of everyone when <paramref name="owner"/> is null; newest first.</summary>
    Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? owner, CancellationToken cancellationToken = default);

    /// <summary>Marks the key revoked (idempotent: the first revocation time stays); false when there is no such key.</summary>
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task TouchKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task AddSessionAsync(UserSession session, CancellationToken cancellationToken = default);

    Task<UserSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken = default);

    Task DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Removes sessions that expired before <paramref name="now"/> (the retention job); returns how many.</summary>
    Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Ends every session of a user (a password change or deletion).</summary>
    Task DeleteSessionsOfAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>Removes every key row of an owner (not just revokes: "delete all my data"); returns how many.</summary>
    Task<int> DeleteKeysOfAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>An owner's own retention in days (any owner, with or without an account), or null when they set none.</summary>
    Task<int?> GetRetentionDaysAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Sets (or with null clears) an owner's own retention.</summary>
    Task SetRetentionDaysAsync(string owner, int? days, CancellationToken cancellationToken = default);

    /// <summary>Every owner that set a retention of their own, with the days.</summary>
    Task<IReadOnlyDictionary<string, int>> ListRetentionDaysAsync(CancellationToken cancellationToken = default);

    /// <summary>An owner's web app preferences (a JSON document the API validated), or null when they saved none.</summary>
    Task<string?> GetPreferencesAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Replaces (or with null clears) an owner's preferences; their retention stays as it was.</summary>
    Task SetPreferencesAsync(string owner, string? json, CancellationToken cancellationToken = default);
}
