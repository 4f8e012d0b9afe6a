using System.Data.Common;
using Dapper;

namespace Parley.Storage;

/// <summary>
/// One SQL database that every SQL store (conversations, usage, bots, identity, audit) shares: how to open a connection,
/// the schema (migrated once per process), and the few fragments SQLite and PostgreSQL spell differently. Everything
/// else the stores write once, in SQL both understand, with Dapper binding the parameters.
/// </summary>
public abstract class SqlDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _migrateOnce = new(1, 1);
    private bool _migrated;

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Where the data lives, safe to log: a file path, or <c>host:port/database</c> (never credentials).</summary>
    public abstract string Target { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>The UTC day (<c>yyyy-MM-dd</c>) of a column holding Unix milliseconds.</summary>
    public abstract string DayOf(string column);

    /// <summary><paramref name="column"/> compared byte by byte in ORDER BY, as the page cursors compare ids.</summary>
    public abstract string Bytewise(string column);

    /// <summary>The LIKE operator that ignores case (SQLite's LIKE already does for ASCII; PostgreSQL's ILIKE).</summary>
    public abstract string LikeIgnoringCase { get; }

    /// <summary>The conflict target of an upsert on a text key that is unique regardless of case.</summary>
    public abstract string CaseInsensitiveKey(string column);

    /// <summary>The value of <c>messages.seq</c> in an INSERT: the next number in the conversation, or the column's own sequence.</summary>
    public abstract string NextMessageSeq { get; }

    /// <summary>
    /// A statement to run after a deletion so the deleted rows' old pages leave the database's side files (SQLite copies its
    /// write-ahead log back and empties it), or null where nothing needs doing.
    /// </summary>
    public virtual string? AfterDeletion => null;

    /// <summary>Applies the migrations this process has not applied yet (the first store to initialise does the work).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _migrateOnce.WaitAsync(cancellationToken);
        try
        {
            if (_migrated)
                return;
            await using var connection = await OpenAsync(cancellationToken);
            await ApplyMigrationsAsync(connection, cancellationToken);
            _migrated = true;
        }
        finally
        {
            _migrateOnce.Release();
        }
    }

    protected abstract Task ApplyMigrationsAsync(DbConnection connection, CancellationToken cancellationToken);

    public async Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    /// <summary>Runs <paramref name="sql"/> once per row of <paramref name="rows"/>, all in one transaction.</summary>
    public async Task ExecuteBatchAsync(string sql, IEnumerable<object> rows, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, rows, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<T?> ScalarAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadAsync(connection, new CommandDefinition(sql, parameters, cancellationToken: cancellationToken), read);
    }

    /// <summary>Every row of <paramref name="command"/>, each through <paramref name="read"/>.</summary>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(DbConnection connection, CommandDefinition command, Func<DbDataReader, T> read)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(read);
        var rows = new List<T>();
        await using var reader = await connection.ExecuteReaderAsync(command);
        while (await reader.ReadAsync(command.CancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    public virtual async ValueTask DisposeAsync()
    {
        _migrateOnce.Dispose();
        GC.SuppressFinalize(this);
        await ValueTask.CompletedTask;
    }
}
