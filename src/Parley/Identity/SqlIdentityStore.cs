using Dapper;
using Parley.Storage;
using static Parley.Storage.SqlValues;

namespace Parley.Identity;

/// <summary>
/// The <c>users</c>, <c>api_keys</c>, <c>sessions</c> and <c>owner_settings</c> tables (migrations 4 and 5 in both
/// dialects; user ids: SQLite 10, PostgreSQL 9). Names and owners match regardless of case; ids are lower case.
/// </summary>
public sealed class SqlIdentityStore(SqlDatabase database) : IIdentityStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await database.ExecuteAsync(
            $"INSERT INTO users ({IdentityRows.UserColumns}) VALUES (@Id, @Name, @PasswordHash, @IsAdmin, @at) ON CONFLICT DO NOTHING",
            new { user.Id, user.Name, user.PasswordHash, user.IsAdmin, at = Ms(user.CreatedAt) }, cancellationToken) == 1;
    }

    public async Task<UserAccount?> GetUserByNameAsync(string name, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {IdentityRows.UserColumns} FROM users WHERE lower(name) = lower(@name)", new { name }, IdentityRows.User, cancellationToken))
        .FirstOrNull();

    public async Task<UserAccount?> GetUserByIdAsync(string id, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {IdentityRows.UserColumns} FROM users WHERE id = lower(@id)", new { id }, IdentityRows.User, cancellationToken))
        .FirstOrNull();

    public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        database.QueryAsync($"SELECT {IdentityRows.UserColumns} FROM users ORDER BY {database.Bytewise("name")}", null, IdentityRows.User, cancellationToken);

    public async Task<bool> SetPasswordAsync(string userId, string passwordHash, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("UPDATE users SET password_hash = @passwordHash WHERE id = lower(@userId)", new { userId, passwordHash }, cancellationToken) == 1;

    public async Task<bool> DeleteUserAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { userId, at = Ms(at) };
        CommandDefinition Statement(string sql) => new(sql, parameters, transaction, cancellationToken: cancellationToken);
        if (await connection.ExecuteAsync(Statement("DELETE FROM users WHERE id = lower(@userId)")) == 0)
            return false;
        await connection.ExecuteAsync(Statement("DELETE FROM sessions WHERE lower(user_id) = lower(@userId)"));
        await connection.ExecuteAsync(Statement("UPDATE api_keys SET revoked_at = @at WHERE lower(owner) = lower(@userId) AND revoked_at IS NULL"));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<int> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (int)await database.ScalarAsync<long>("SELECT COUNT(*) FROM users", null, cancellationToken);

    public async Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await database.ExecuteAsync($"""
            INSERT INTO api_keys ({IdentityRows.KeyColumns})
            VALUES (@Id, @Name, @Owner, @SecretHash, @models, @RequestsPerMinute, @DailyTokenLimit, @MaxConcurrentStreams, @expires, @created, @used, @revoked)
            """,
            new
            {
                key.Id, key.Name, key.Owner, key.SecretHash, models = IdentityRows.Models(key), key.RequestsPerMinute, key.DailyTokenLimit,
                key.MaxConcurrentStreams, expires = Ms(key.ExpiresAt), created = Ms(key.CreatedAt), used = Ms(key.LastUsedAt), revoked = Ms(key.RevokedAt),
            },
            cancellationToken);
    }

    public async Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {IdentityRows.KeyColumns} FROM api_keys WHERE id = @id", new { id }, IdentityRows.Key, cancellationToken)).FirstOrNull();

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? owner, CancellationToken cancellationToken = default) =>
        database.QueryAsync($"""
            SELECT {IdentityRows.KeyColumns} FROM api_keys WHERE @owner IS NULL OR lower(owner) = lower(@owner)
            ORDER BY created_at DESC, id DESC
            """, new { owner }, IdentityRows.Key, cancellationToken);

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id", new { id, at = Ms(at) }, cancellationToken) == 1;

    public Task TouchKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE api_keys SET last_used_at = @at WHERE id = @id", new { id, at = Ms(at) }, cancellationToken);

    public async Task AddSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await database.ExecuteAsync($"INSERT INTO sessions ({IdentityRows.SessionColumns}) VALUES (@TokenHash, @UserId, @created, @expires)",
            new { session.TokenHash, session.UserId, created = Ms(session.CreatedAt), expires = Ms(session.ExpiresAt) }, cancellationToken);
    }

    public async Task<UserSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {IdentityRows.SessionColumns} FROM sessions WHERE token_hash = @tokenHash", new { tokenHash }, IdentityRows.Session, cancellationToken))
        .FirstOrNull();

    public Task DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM sessions WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken);

    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM sessions WHERE expires_at < @now", new { now = Ms(now) }, cancellationToken);

    public Task DeleteSessionsOfAsync(string userId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM sessions WHERE lower(user_id) = lower(@userId)", new { userId }, cancellationToken);

    public Task<int> DeleteKeysOfAsync(string owner, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM api_keys WHERE lower(owner) = lower(@owner)", new { owner }, cancellationToken);

    public async Task<int?> GetRetentionDaysAsync(string owner, CancellationToken cancellationToken = default)
    {
        var rows = await database.QueryAsync("SELECT retention_days FROM owner_settings WHERE lower(owner) = lower(@owner) AND retention_days IS NOT NULL",
            new { owner }, r => r.GetInt32(0), cancellationToken);
        return rows.Count > 0 ? rows[0] : null;
    }

    public Task SetRetentionDaysAsync(string owner, int? days, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync($"""
            INSERT INTO owner_settings (owner, retention_days) VALUES (@owner, @days)
            ON CONFLICT {database.CaseInsensitiveKey("owner")} DO UPDATE SET retention_days = excluded.retention_days
            """, new { owner, days }, cancellationToken);

    public async Task<IReadOnlyDictionary<string, int>> ListRetentionDaysAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT owner, retention_days FROM owner_settings WHERE retention_days IS NOT NULL", null,
            r => (Owner: r.GetString(0), Days: r.GetInt32(1)), cancellationToken))
        .ToDictionary(r => r.Owner, r => r.Days, StringComparer.OrdinalIgnoreCase);

    public async Task<string?> GetPreferencesAsync(string owner, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT preferences FROM owner_settings WHERE lower(owner) = lower(@owner) AND preferences IS NOT NULL",
            new { owner }, r => r.GetString(0), cancellationToken)).FirstOrNull();

    public Task SetPreferencesAsync(string owner, string? json, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync($"""
            INSERT INTO owner_settings (owner, preferences) VALUES (@owner, @json)
            ON CONFLICT {database.CaseInsensitiveKey("owner")} DO UPDATE SET preferences = excluded.preferences
            """, new { owner, json }, cancellationToken);
}
