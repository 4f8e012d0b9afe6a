using Npgsql;
using NpgsqlTypes;
using Parley.Usage;

namespace Parley.Storage.Postgres;

/// <summary>The <c>usage</c> table in PostgreSQL (schema migration 2); same groups as <see cref="SqliteUsageStore"/>.</summary>
public sealed class PostgresUsageStore(PostgresDatabase database) : IUsageStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task AddAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
            return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, $"""
            INSERT INTO usage ({UsageRows.InsertColumns})
            VALUES (@at, @owner, @key, @surface, @requested, @model, @prompt, @completion, @total, @cached, @latency, @ttft, @outcome, @cost)
            """, transaction);
        (string Name, NpgsqlDbType Type)[] columns =
        [
            ("at", NpgsqlDbType.Bigint), ("owner", NpgsqlDbType.Text), ("key", NpgsqlDbType.Text), ("surface", NpgsqlDbType.Text),
            ("requested", NpgsqlDbType.Text), ("model", NpgsqlDbType.Text), ("prompt", NpgsqlDbType.Bigint), ("completion", NpgsqlDbType.Bigint),
            ("total", NpgsqlDbType.Bigint), ("cached", NpgsqlDbType.Boolean), ("latency", NpgsqlDbType.Double), ("ttft", NpgsqlDbType.Double),
            ("outcome", NpgsqlDbType.Text), ("cost", NpgsqlDbType.Double),
        ];
        foreach (var (name, type) in columns)
            command.Parameters.Add(new NpgsqlParameter(name, type));
        await DbCommands.ExecuteForEachAsync(command, batch, UsageRows.Values, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageGroup>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var key = query.GroupBy switch
        {
            UsageGroupBy.Day => "to_char(to_timestamp(at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            UsageGroupBy.Model => "model",
            UsageGroupBy.Owner => "owner",
            UsageGroupBy.Key => "COALESCE(api_key, '-')",
            _ => "surface",
        };
        var sql = $"""
            SELECT {key} AS k, COUNT(*), SUM(prompt_tokens)::bigint, SUM(completion_tokens)::bigint, SUM(total_tokens)::bigint, SUM(cost),
                SUM(CASE WHEN outcome IN ('ok', 'cancelled') THEN 0 ELSE 1 END)::bigint, SUM(CASE WHEN cached THEN 1 ELSE 0 END)::bigint, AVG(latency_ms)
            FROM usage WHERE TRUE
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, "");
        if (query.From is { } from)
        {
            sql += " AND at >= @from";
            command.Parameters.AddWithValue("from", from.ToUnixTimeMilliseconds());
        }
        if (query.To is { } to)
        {
            sql += " AND at < @to";
            command.Parameters.AddWithValue("to", to.ToUnixTimeMilliseconds());
        }
        if (query.Owner is { } owner)
        {
            sql += " AND owner = @owner";
            command.Parameters.AddWithValue("owner", owner);
        }
        command.CommandText = sql + $" GROUP BY k ORDER BY ({key}) COLLATE \"C\"";
        var groups = new List<UsageGroup>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            groups.Add(new UsageGroup(
                reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetDouble(8)));
        }
        return groups;
    }

    public async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, "DELETE FROM usage WHERE at < @cutoff");
        command.Parameters.AddWithValue("cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteOwnerAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, "DELETE FROM usage WHERE owner = @owner");
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
