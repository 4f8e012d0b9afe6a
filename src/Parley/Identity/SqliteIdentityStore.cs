using System.Text.Json;
using Microsoft.Data.Sqlite;
using Parley.Storage.Sqlite;

namespace Parley.Identity;

/// <summary>The <c>users</c>, <c>api_keys</c> and <c>sessions</c> tables in the same SQLite file as conversations (schema migration 4).</summary>
public sealed class SqliteIdentityStore(string connectionString) : IIdentityStore
{
    private const string KeyColumns = "id, name, owner, secret_hash, models, requests_per_minute, daily_token_limit, max_concurrent_streams, expires_at, created_at, last_used_at, revoked_at";

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
        (await QueryAsync("SELECT name, password_hash, is_admin, created_at FROM users WHERE name = $name", ReadUser, cancellationToken, ("$name", name)))
        .FirstOrNull();

    public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT name, password_hash, is_admin, created_at FROM users ORDER BY name", ReadUser, cancellationToken);

    public async Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE users SET password_hash = $hash WHERE name = $name", cancellationToken, ("$name", name), ("$hash", passwordHash)) == 1;

    public async Task<bool> DeleteUserAsync(string name, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM users WHERE name = $name", cancellationToken, ("$name", name));
        if (deleted == 0)
            return false;
        await ExecuteAsync(connection, transaction, "DELETE FROM sessions WHERE user_name = $name", cancellationToken, ("$name", name));
        await ExecuteAsync(connection, transaction, "UPDATE api_keys SET revoked_at = $at WHERE owner = $name AND revoked_at IS NULL",
            cancellationToken, ("$name", name), ("$at", Ms(at)));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<int> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT COUNT(*) FROM users", r => r.GetInt32(0), cancellationToken))[0];

    public async Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await ExecuteAsync($"INSERT INTO api_keys ({KeyColumns}) VALUES ($id, $name, $owner, $hash, $models, $rpm, $daily, $streams, $expires, $created, $used, $revoked)",
            cancellationToken,
            ("$id", key.Id), ("$name", key.Name), ("$owner", key.Owner), ("$hash", key.SecretHash),
            ("$models", JsonSerializer.Serialize(key.Models)), ("$rpm", key.RequestsPerMinute), ("$daily", key.DailyTokenLimit),
            ("$streams", key.MaxConcurrentStreams), ("$expires", Ms(key.ExpiresAt)), ("$created", Ms(key.CreatedAt)),
            ("$used", Ms(key.LastUsedAt)), ("$revoked", Ms(key.RevokedAt)));
    }

    public async Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {KeyColumns} FROM api_keys WHERE id = $id", ReadKey, cancellationToken, ("$id", id))).FirstOrNull();

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? owner, CancellationToken cancellationToken = default) =>
        owner is null
            ? QueryAsync($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", ReadKey, cancellationToken)
            : QueryAsync($"SELECT {KeyColumns} FROM api_keys WHERE owner = $owner ORDER BY created_at DESC, id DESC", ReadKey, cancellationToken, ("$owner", owner));

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
        (await QueryAsync("SELECT token_hash, user_name, created_at, expires_at FROM sessions WHERE token_hash = $hash",
            r => new UserSession(r.GetString(0), r.GetString(1), Time(r, 2)!.Value, Time(r, 3)!.Value), cancellationToken, ("$hash", tokenHash)))
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

    private static UserAccount ReadUser(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, Time(r, 3)!.Value);

    private static ApiKey ReadKey(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [],
        r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt32(7),
        Time(r, 8), Time(r, 9)!.Value, Time(r, 10), Time(r, 11));

    private static DateTimeOffset? Time(SqliteDataReader r, int column) =>
        r.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(column));

    private static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, sql, cancellationToken, parameters);
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

internal static class RowLists
{
    public static T? FirstOrNull<T>(this IReadOnlyList<T> rows) where T : class => rows.Count > 0 ? rows[0] : null;
}
