using Microsoft.Data.Sqlite;
using Parley.Storage.Sqlite;

namespace Parley.Usage;

/// <summary>The <c>usage</c> table in the same SQLite file as conversations (created by schema migration 3).</summary>
public sealed class SqliteUsageStore(string connectionString) : IUsageStore
{
    public static SqliteUsageStore ForFile(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString());

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        SqliteSchema.Migrate(connection);
    }

    public async Task AddAsync(IReadOnlyList<UsageRecord> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
            return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = $"""
            INSERT INTO usage ({UsageRows.InsertColumns})
            VALUES ($at, $owner, $key, $surface, $requested, $model, $prompt, $completion, $total, $cached, $latency, $ttft, $outcome, $cost)
            """;
        string[] names = ["$at", "$owner", "$key", "$surface", "$requested", "$model", "$prompt", "$completion", "$total", "$cached", "$latency", "$ttft", "$outcome", "$cost"];
        foreach (var name in names)
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        await Storage.DbCommands.ExecuteForEachAsync(command, batch, UsageRows.Values, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageGroup>> QueryAsync(UsageQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var key = query.GroupBy switch
        {
            UsageGroupBy.Day => "strftime('%Y-%m-%d', at / 1000, 'unixepoch')",
            UsageGroupBy.Model => "model",
            UsageGroupBy.Owner => "owner",
            UsageGroupBy.Key => "COALESCE(api_key, '-')",
            _ => "surface",
        };
        var sql = $"""
            SELECT {key} AS k, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens), SUM(cost),
                SUM(CASE WHEN outcome IN ('ok', 'cancelled') THEN 0 ELSE 1 END), SUM(cached), AVG(latency_ms)
            FROM usage WHERE 1 = 1
            """;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (query.From is { } from)
        {
            sql += " AND at >= $from";
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        }
        if (query.To is { } to)
        {
            sql += " AND at < $to";
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
        }
        if (query.Owner is { } owner)
        {
            sql += " AND owner = $owner";
            command.Parameters.AddWithValue("$owner", owner);
        }
        command.CommandText = sql + " GROUP BY k ORDER BY k";
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM usage WHERE at < $cutoff";
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteOwnerAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM usage WHERE owner = $owner";
        command.Parameters.AddWithValue("$owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
