using Npgsql;
using NpgsqlTypes;
using Parley.Audit;

namespace Parley.Storage.Postgres;

/// <summary>The append-only <c>audit</c> table in PostgreSQL (schema migration 5; a trigger refuses UPDATE and DELETE).</summary>
public sealed class PostgresAuditStore(PostgresDatabase database) : IAuditStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, $"""
            INSERT INTO audit ({AuditRows.InsertColumns})
            VALUES (@at, @actor, @key, @action, @target, @outcome, @address, @detail)
            """, transaction);
        (string Name, NpgsqlDbType Type)[] columns =
        [
            ("at", NpgsqlDbType.Bigint), ("actor", NpgsqlDbType.Text), ("key", NpgsqlDbType.Text), ("action", NpgsqlDbType.Text),
            ("target", NpgsqlDbType.Text), ("outcome", NpgsqlDbType.Text), ("address", NpgsqlDbType.Text), ("detail", NpgsqlDbType.Text),
        ];
        foreach (var (name, type) in columns)
            command.Parameters.Add(new NpgsqlParameter(name, type));
        await DbCommands.ExecuteForEachAsync(command, events, AuditRows.Values, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var before = AuditCursor.Decode(query.Cursor);
        var limit = AuditCursor.Limit(query.Limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, $"""
            SELECT {AuditRows.SelectColumns} FROM audit
            WHERE (@before::bigint IS NULL OR id < @before::bigint)
              AND (@from::bigint IS NULL OR at >= @from::bigint) AND (@to::bigint IS NULL OR at < @to::bigint)
              AND (@action::text IS NULL OR action = @action::text OR starts_with(action, @action::text || '.'))
              AND (@actor::text IS NULL OR lower(actor) = lower(@actor::text))
            ORDER BY id DESC LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlDbType.Bigint) { Value = (object?)before ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Bigint) { Value = (object?)query.From?.ToUnixTimeMilliseconds() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Bigint) { Value = (object?)query.To?.ToUnixTimeMilliseconds() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("action", NpgsqlDbType.Text) { Value = (object?)query.Action ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Text) { Value = (object?)query.Actor ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit + 1);
        return AuditCursor.Page(await DbCommands.ReadAllAsync(command, AuditRows.Read, cancellationToken), limit);
    }
}
