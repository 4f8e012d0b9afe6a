using Microsoft.Data.Sqlite;
using Parley.Storage.Sqlite;

namespace Parley.Audit;

/// <summary>The append-only <c>audit</c> table in the same SQLite file as conversations (schema migration 5).</summary>
public sealed class SqliteAuditStore(string connectionString) : IAuditStore
{
    public static SqliteAuditStore ForFile(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString());

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        SqliteSchema.Migrate(connection);
    }

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit (at, actor, via_key, action, target, outcome, address, detail)
            VALUES ($at, $actor, $key, $action, $target, $outcome, $address, $detail)
            """;
        string[] names = ["$at", "$actor", "$key", "$action", "$target", "$outcome", "$address", "$detail"];
        var parameters = names.Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        foreach (var e in events)
        {
            object?[] values = [e.At.ToUnixTimeMilliseconds(), e.Actor, e.ViaKey, e.Action, e.Target, e.Outcome, e.Address, e.Detail];
            for (var i = 0; i < values.Length; i++)
                parameters[i].Value = values[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var before = AuditCursor.Decode(query.Cursor);
        var limit = AuditCursor.Limit(query.Limit);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, at, actor, via_key, action, target, outcome, address, detail FROM audit
            WHERE ($before IS NULL OR id < $before)
              AND ($from IS NULL OR at >= $from) AND ($to IS NULL OR at < $to)
              AND ($action IS NULL OR action = $action OR substr(action, 1, length($action) + 1) = $action || '.')
              AND ($actor IS NULL OR actor = $actor COLLATE NOCASE)
            ORDER BY id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$before", (object?)before ?? DBNull.Value);
        command.Parameters.AddWithValue("$from", (object?)query.From?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$to", (object?)query.To?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$action", (object?)query.Action ?? DBNull.Value);
        command.Parameters.AddWithValue("$actor", (object?)query.Actor ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit + 1);
        var items = new List<AuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new AuditEvent(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2),
                Text(reader, 3), reader.GetString(4), Text(reader, 5), reader.GetString(6), Text(reader, 7), Text(reader, 8)));
        }
        var hasMore = items.Count > limit;
        if (hasMore)
            items.RemoveAt(items.Count - 1);
        return new AuditPage(items, hasMore ? AuditCursor.Encode(items[^1].Id) : null);
    }

    private static string? Text(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
