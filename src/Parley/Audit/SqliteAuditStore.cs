using Microsoft.Data.Sqlite;
using Parley.Storage;
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
        command.CommandText = $"""
            INSERT INTO audit ({AuditRows.InsertColumns})
            VALUES ($at, $actor, $key, $action, $target, $outcome, $address, $detail)
            """;
        string[] names = ["$at", "$actor", "$key", "$action", "$target", "$outcome", "$address", "$detail"];
        foreach (var name in names)
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        await DbCommands.ExecuteForEachAsync(command, events, AuditRows.Values, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var before = AuditCursor.Decode(query.Cursor);
        var limit = AuditCursor.Limit(query.Limit);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {AuditRows.SelectColumns} FROM audit
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
        return AuditCursor.Page(await DbCommands.ReadAllAsync(command, AuditRows.Read, cancellationToken), limit);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
