using System.Data.Common;

namespace Parley.Storage;

/// <summary>
/// The ADO.NET plumbing the SQL stores share (SQLite and PostgreSQL alike, through <see cref="DbConnection"/>): run a
/// statement with named parameters, read rows, write a batch with one prepared command, and the stores' time format.
/// </summary>
internal static class DbCommands
{
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<IReadOnlyList<T>> QueryAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, null, sql, parameters);
        return await ReadAllAsync(command, read, cancellationToken);
    }

    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>Runs <paramref name="command"/> once per row, its parameters (in order) taking the row's values.</summary>
    public static async Task ExecuteForEachAsync<T>(DbCommand command, IEnumerable<T> rows, Func<T, object?[]> values, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            var columns = values(row);
            for (var i = 0; i < columns.Length; i++)
                command.Parameters[i].Value = columns[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static T? FirstOrNull<T>(this IReadOnlyList<T> rows) where T : class => rows.Count > 0 ? rows[0] : null;

    /// <summary>Times are stored as Unix milliseconds.</summary>
    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset? Time(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    public static string? Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
