using Npgsql;

namespace Parley.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by the conversation, usage and bot stores: one connection pool, and the schema
/// migrated once per process (every store's InitializeAsync asks; the first does the work).
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _migrateOnce = new(1, 1);
    private bool _migrated;

    public PostgresDatabase(string connectionStringOrUrl)
    {
        var builder = PostgresConnectionString.Parse(connectionStringOrUrl);
        Target = PostgresConnectionString.Describe(builder);
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary><c>host:port/database</c>: safe to log (no user, no password).</summary>
    public string Target { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _migrateOnce.WaitAsync(cancellationToken);
        try
        {
            if (_migrated)
                return;
            await using var connection = await OpenAsync(cancellationToken);
            await PostgresSchema.MigrateAsync(connection, cancellationToken);
            _migrated = true;
        }
        finally
        {
            _migrateOnce.Release();
        }
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _migrateOnce.Dispose();
    }
}
