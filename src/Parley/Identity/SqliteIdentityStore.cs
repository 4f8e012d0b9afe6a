using System.Data.Common;
using Microsoft.Data.Sqlite;
using Parley.Storage;
using Parley.Storage.Sqlite;
using static Parley.Storage.DbCommands;

namespace Parley.Identity;

/// <summary>The <c>users</c>, <c>api_keys</c> and <c>sessions</c> tables in the same SQLite file as conversations (schema migration 4).</summary>
public sealed class SqliteIdentityStore(string connectionString) : IIdentityStore
{

    public static SqliteIdentityStore ForFile(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString());

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        SqliteSchema.Migrate(connection);
    }

    public async Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await ExecuteAsync(
            "INSERT INTO users (name, password_hash, is_admin, created_at) VALUES ($name, $hash, $admin, $at) ON CONFLICT(name) DO NOTHING",
            cancellationToken, ("$name", user.Name), ("$hash", user.PasswordHash), ("$admin", user.IsAdmin ? 1 : 0), ("$at", Ms(user.CreatedAt))) == 1;
    }

    public async Task<UserAccount?> GetUserAsync(string name, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {IdentityRows.UserColumns} FROM users WHERE name = $name", IdentityRows.User, cancellationToken, ("$name", name)))
        .FirstOrNull();

    public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {IdentityRows.UserColumns} FROM users ORDER BY name", IdentityRows.User, cancellationToken);

    public async Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE users SET password_hash = $hash WHERE name = $name", cancellationToken, ("$name", name), ("$hash", passwordHash)) == 1;

    public async Task<bool> DeleteUserAsync(string name, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await DbCommands.ExecuteAsync(connection, transaction, "DELETE FROM users WHERE name = $name", cancellationToken, ("$name", name));
        if (deleted == 0)
            return false;
        await DbCommands.ExecuteAsync(connection, transaction, "DELETE FROM sessions WHERE user_name = $name", cancellationToken, ("$name", name));
        await DbCommands.ExecuteAsync(connection, transaction, "UPDATE api_keys SET revoked_at = $at WHERE owner = $name AND revoked_at IS NULL",
            cancellationToken, ("$name", name), ("$at", Ms(at)));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<int> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT COUNT(*) FROM users", r => r.GetInt32(0), cancellationToken))[0];

    public async Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await ExecuteAsync($"INSERT INTO api_keys ({IdentityRows.KeyColumns}) VALUES ($id, $name, $owner, $hash, $models, $rpm, $daily, $streams, $expires, $created, $used, $revoked)",
            cancellationToken,
            ("$id", key.Id), ("$name", key.Name), ("$owner", key.Owner), ("$hash", key.SecretHash),
            ("$models", IdentityRows.Models(key)), ("$rpm", key.RequestsPerMinute), ("$daily", key.DailyTokenLimit),
            ("$streams", key.MaxConcurrentStreams), ("$expires", Ms(key.ExpiresAt)), ("$created", Ms(key.CreatedAt)),
            ("$used", Ms(key.LastUsedAt)), ("$revoked", Ms(key.RevokedAt)));
    }

    public async Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {IdentityRows.KeyColumns} FROM api_keys WHERE id = $id", IdentityRows.Key, cancellationToken, ("$id", id))).FirstOrNull();

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? owner, CancellationToken cancellationToken = default) =>
        owner is null
            ? QueryAsync($"SELECT {IdentityRows.KeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", IdentityRows.Key, cancellationToken)
            : QueryAsync($"SELECT {IdentityRows.KeyColumns} FROM api_keys WHERE owner = $owner ORDER BY created_at DESC, id DESC", IdentityRows.Key, cancellationToken, ("$owner", owner));

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $at) WHERE id = $id", cancellationToken, ("$id", id), ("$at", Ms(at))) == 1;

    public Task TouchKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE api_keys SET last_used_at = $at WHERE id = $id", cancellationToken, ("$id", id), ("$at", Ms(at)));

    public async Task AddSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await ExecuteAsync("INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES ($hash, $user, $created, $expires)",
            cancellationToken, ("$hash", session.TokenHash), ("$user", session.UserName), ("$created", Ms(session.CreatedAt)), ("$expires", Ms(session.ExpiresAt)));
    }

    public async Task<UserSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {IdentityRows.SessionColumns} FROM sessions WHERE token_hash = $hash", IdentityRows.Session, cancellationToken, ("$hash", tokenHash)))
        .FirstOrNull();

    public Task DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM sessions WHERE token_hash = $hash", cancellationToken, ("$hash", tokenHash));

    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM sessions WHERE expires_at < $now", cancellationToken, ("$now", Ms(now)));

    public Task DeleteSessionsOfAsync(string userName, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM sessions WHERE user_name = $name", cancellationToken, ("$name", userName));

    public async Task<int> DeleteKeysOfAsync(string owner, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM api_keys WHERE owner = $owner", cancellationToken, ("$owner", owner));

    public async Task<int?> GetRetentionDaysAsync(string owner, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT retention_days FROM owner_settings WHERE owner = $owner AND retention_days IS NOT NULL",
            r => r.GetInt32(0), cancellationToken, ("$owner", owner));
        return rows.Count > 0 ? rows[0] : null;
    }

    public Task SetRetentionDaysAsync(string owner, int? days, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            INSERT INTO owner_settings (owner, retention_days) VALUES ($owner, $days)
            ON CONFLICT(owner) DO UPDATE SET retention_days = excluded.retention_days
            """, cancellationToken, ("$owner", owner), ("$days", days));

    public async Task<IReadOnlyDictionary<string, int>> ListRetentionDaysAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT owner, retention_days FROM owner_settings WHERE retention_days IS NOT NULL",
            r => (Owner: r.GetString(0), Days: r.GetInt32(1)), cancellationToken))
        .ToDictionary(r => r.Owner, r => r.Days, StringComparer.OrdinalIgnoreCase);

    public async Task<string?> GetPreferencesAsync(string owner, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT preferences FROM owner_settings WHERE owner = $owner AND preferences IS NOT NULL",
            r => r.GetString(0), cancellationToken, ("$owner", owner));
        return rows.Count > 0 ? rows[0] : null;
    }

    public Task SetPreferencesAsync(string owner, string? json, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            INSERT INTO owner_settings (owner, preferences) VALUES ($owner, $json)
            ON CONFLICT(owner) DO UPDATE SET preferences = excluded.preferences
            """, cancellationToken, ("$owner", owner), ("$json", json));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await DbCommands.ExecuteAsync(connection, null, sql, cancellationToken, parameters);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await DbCommands.QueryAsync(connection, sql, read, cancellationToken, parameters);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
