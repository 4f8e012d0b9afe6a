using System.Data.Common;
using Npgsql;
using Parley.Identity;
using static Parley.Storage.DbCommands;

namespace Parley.Storage.Postgres;

/// <summary>The <c>users</c>, <c>api_keys</c> and <c>sessions</c> tables in PostgreSQL (schema migration 4); same behaviour as <see cref="SqliteIdentityStore"/>.</summary>
public sealed class PostgresIdentityStore(PostgresDatabase database) : IIdentityStore
{

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await ExecuteAsync(
            "INSERT INTO users (name, password_hash, is_admin, created_at) VALUES (@name, @hash, @admin, @at) ON CONFLICT DO NOTHING",
            cancellationToken, ("name", user.Name), ("hash", user.PasswordHash), ("admin", user.IsAdmin), ("at", Ms(user.CreatedAt))) == 1;
    }

    public async Task<UserAccount?> GetUserAsync(string name, CancellationToken cancellationToken = default) =>
        DbCommands.FirstOrNull(await QueryAsync($"SELECT {IdentityRows.UserColumns} FROM users WHERE lower(name) = lower(@name)", IdentityRows.User, cancellationToken, ("name", name)));

    public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {IdentityRows.UserColumns} FROM users ORDER BY name COLLATE \"C\"", IdentityRows.User, cancellationToken);

    public async Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE users SET password_hash = @hash WHERE lower(name) = lower(@name)", cancellationToken, ("name", name), ("hash", passwordHash)) == 1;

    public async Task<bool> DeleteUserAsync(string name, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await DbCommands.ExecuteAsync(connection, transaction, "DELETE FROM users WHERE lower(name) = lower(@name)", cancellationToken, ("name", name)) == 0)
            return false;
        await DbCommands.ExecuteAsync(connection, transaction, "DELETE FROM sessions WHERE lower(user_name) = lower(@name)", cancellationToken, ("name", name));
        await DbCommands.ExecuteAsync(connection, transaction, "UPDATE api_keys SET revoked_at = @at WHERE lower(owner) = lower(@name) AND revoked_at IS NULL",
            cancellationToken, ("name", name), ("at", Ms(at)));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<int> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT COUNT(*)::int FROM users", r => r.GetInt32(0), cancellationToken))[0];

    public async Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await ExecuteAsync($"INSERT INTO api_keys ({IdentityRows.KeyColumns}) VALUES (@id, @name, @owner, @hash, @models, @rpm, @daily, @streams, @expires, @created, @used, @revoked)",
            cancellationToken,
            ("id", key.Id), ("name", key.Name), ("owner", key.Owner), ("hash", key.SecretHash),
            ("models", IdentityRows.Models(key)), ("rpm", key.RequestsPerMinute), ("daily", key.DailyTokenLimit),
            ("streams", key.MaxConcurrentStreams), ("expires", Ms(key.ExpiresAt)), ("created", Ms(key.CreatedAt)),
            ("used", Ms(key.LastUsedAt)), ("revoked", Ms(key.RevokedAt)));
    }

    public async Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default) =>
        DbCommands.FirstOrNull(await QueryAsync($"SELECT {IdentityRows.KeyColumns} FROM api_keys WHERE id = @id", IdentityRows.Key, cancellationToken, ("id", id)));

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? owner, CancellationToken cancellationToken = default) =>
        owner is null
            ? QueryAsync($"SELECT {IdentityRows.KeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", IdentityRows.Key, cancellationToken)
            : QueryAsync($"SELECT {IdentityRows.KeyColumns} FROM api_keys WHERE lower(owner) = lower(@owner) ORDER BY created_at DESC, id DESC", IdentityRows.Key, cancellationToken, ("owner", owner));

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id", cancellationToken, ("id", id), ("at", Ms(at))) == 1;

    public Task TouchKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE api_keys SET last_used_at = @at WHERE id = @id", cancellationToken, ("id", id), ("at", Ms(at)));

    public async Task AddSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await ExecuteAsync("INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES (@hash, @user, @created, @expires)",
            cancellationToken, ("hash", session.TokenHash), ("user", session.UserName), ("created", Ms(session.CreatedAt)), ("expires", Ms(session.ExpiresAt)));
    }

    public async Task<UserSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        DbCommands.FirstOrNull(await QueryAsync($"SELECT {IdentityRows.SessionColumns} FROM sessions WHERE token_hash = @hash", IdentityRows.Session, cancellationToken, ("hash", tokenHash)));

    public Task DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM sessions WHERE token_hash = @hash", cancellationToken, ("hash", tokenHash));

    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM sessions WHERE expires_at < @now", cancellationToken, ("now", Ms(now)));

    public Task DeleteSessionsOfAsync(string userName, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM sessions WHERE lower(user_name) = lower(@name)", cancellationToken, ("name", userName));

    public Task<int> DeleteKeysOfAsync(string owner, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM api_keys WHERE lower(owner) = lower(@owner)", cancellationToken, ("owner", owner));

    public async Task<int?> GetRetentionDaysAsync(string owner, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT retention_days FROM owner_settings WHERE lower(owner) = lower(@owner) AND retention_days IS NOT NULL",
            r => r.GetInt32(0), cancellationToken, ("owner", owner));
        return rows.Count > 0 ? rows[0] : null;
    }

    public Task SetRetentionDaysAsync(string owner, int? days, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            INSERT INTO owner_settings (owner, retention_days) VALUES (@owner, @days)
            ON CONFLICT ((lower(owner))) DO UPDATE SET retention_days = excluded.retention_days
            """, cancellationToken, ("owner", owner), ("days", days));

    public async Task<IReadOnlyDictionary<string, int>> ListRetentionDaysAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT owner, retention_days FROM owner_settings WHERE retention_days IS NOT NULL",
            r => (Owner: r.GetString(0), Days: r.GetInt32(1)), cancellationToken))
        .ToDictionary(r => r.Owner, r => r.Days, StringComparer.OrdinalIgnoreCase);

    public async Task<string?> GetPreferencesAsync(string owner, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT preferences FROM owner_settings WHERE lower(owner) = lower(@owner) AND preferences IS NOT NULL",
            r => r.GetString(0), cancellationToken, ("owner", owner));
        return rows.Count > 0 ? rows[0] : null;
    }

    public Task SetPreferencesAsync(string owner, string? json, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            INSERT INTO owner_settings (owner, preferences) VALUES (@owner, @json)
            ON CONFLICT ((lower(owner))) DO UPDATE SET preferences = excluded.preferences
            """, cancellationToken, ("owner", owner), ("json", json));

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await DbCommands.ExecuteAsync(connection, null, sql, cancellationToken, parameters);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await DbCommands.QueryAsync(connection, sql, read, cancellationToken, parameters);
    }
}
