using System.Text.Json;
using Npgsql;
using Parley.Identity;

namespace Parley.Storage.Postgres;

/// <summary>The <c>users</c>, <c>api_keys</c> and <c>sessions</c> tables in PostgreSQL (schema migration 4); same behaviour as <see cref="SqliteIdentityStore"/>.</summary>
public sealed class PostgresIdentityStore(PostgresDatabase database) : IIdentityStore
{
    private const string KeyColumns = "id, name, owner, secret_hash, models, requests_per_minute, daily_token_limit, max_concurrent_streams, expires_at, created_at, last_used_at, revoked_at";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await ExecuteAsync(
            "INSERT INTO users (name, password_hash, is_admin, created_at) VALUES (@name, @hash, @admin, @at) ON CONFLICT DO NOTHING",
            cancellationToken, ("name", user.Name), ("hash", user.PasswordHash), ("admin", user.IsAdmin), ("at", Ms(user.CreatedAt))) == 1;
    }

    public async Task<UserAccount?> GetUserAsync(string name, CancellationToken cancellationToken = default) =>
        First(await QueryAsync("SELECT name, password_hash, is_admin, created_at FROM users WHERE lower(name) = lower(@name)", ReadUser, cancellationToken, ("name", name)));

    public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT name, password_hash, is_admin, created_at FROM users ORDER BY name COLLATE \"C\"", ReadUser, cancellationToken);

    public async Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("UPDATE users SET password_hash = @hash WHERE lower(name) = lower(@name)", cancellationToken, ("name", name), ("hash", passwordHash)) == 1;

    public async Task<bool> DeleteUserAsync(string name, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await ExecuteAsync(connection, transaction, "DELETE FROM users WHERE lower(name) = lower(@name)", cancellationToken, ("name", name)) == 0)
            return false;
        await ExecuteAsync(connection, transaction, "DELETE FROM sessions WHERE lower(user_name) = lower(@name)", cancellationToken, ("name", name));
        await ExecuteAsync(connection, transaction, "UPDATE api_keys SET revoked_at = @at WHERE lower(owner) = lower(@name) AND revoked_at IS NULL",
            cancellationToken, ("name", name), ("at", Ms(at)));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<int> CountUsersAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync("SELECT COUNT(*)::int FROM users", r => r.GetInt32(0), cancellationToken))[0];

    public async Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await ExecuteAsync($"INSERT INTO api_keys ({KeyColumns}) VALUES (@id, @name, @owner, @hash, @models, @rpm, @daily, @streams, @expires, @created, @used, @revoked)",
            cancellationToken,
            ("id", key.Id), ("name", key.Name), ("owner", key.Owner), ("hash", key.SecretHash),
            ("models", JsonSerializer.Serialize(key.Models)), ("rpm", key.RequestsPerMinute), ("daily", key.DailyTokenLimit),
            ("streams", key.MaxConcurrentStreams), ("expires", Ms(key.ExpiresAt)), ("created", Ms(key.CreatedAt)),
            ("used", Ms(key.LastUsedAt)), ("revoked", Ms(key.RevokedAt)));
    }

    public async Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default) =>
        First(await QueryAsync($"SELECT {KeyColumns} FROM api_keys WHERE id = @id", ReadKey, cancellationToken, ("id", id)));

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? owner, CancellationToken cancellationToken = default) =>
        owner is null
            ? QueryAsync($"SELECT {KeyColumns} FROM api_keys ORDER BY created_at DESC, id DESC", ReadKey, cancellationToken)
            : QueryAsync($"SELECT {KeyColumns} FROM api_keys WHERE lower(owner) = lower(@owner) ORDER BY created_at DESC, id DESC", ReadKey, cancellationToken, ("owner", owner));

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
        First(await QueryAsync("SELECT token_hash, user_name, created_at, expires_at FROM sessions WHERE token_hash = @hash",
            r => new UserSession(r.GetString(0), r.GetString(1), Time(r, 2)!.Value, Time(r, 3)!.Value), cancellationToken, ("hash", tokenHash)));

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

    private static UserAccount ReadUser(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetBoolean(2), Time(r, 3)!.Value);

    private static ApiKey ReadKey(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [],
        r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt32(7),
        Time(r, 8), Time(r, 9)!.Value, Time(r, 10), Time(r, 11));

    private static T? First<T>(IReadOnlyList<T> rows) where T : class => rows.Count > 0 ? rows[0] : null;

    private static DateTimeOffset? Time(NpgsqlDataReader r, int column) =>
        r.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(column));

    private static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ExecuteAsync(connection, null, sql, cancellationToken, parameters);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = PostgresDatabase.Command(connection, sql, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }
}
