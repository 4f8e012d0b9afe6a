using System.Data.Common;
using Npgsql;

namespace Parley.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by every SQL store: one connection pool, and the schema migrated once per process
/// (every store's InitializeAsync asks; the first does the work).
/// </summary>
public sealed class PostgresDatabase : SqlDatabase
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionStringOrUrl)
    {
        var builder = PostgresConnectionString.Parse(connectionStringOrUrl);
        Target = PostgresConnectionString.Describe(builder);
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Kind => "postgres";

    /// <summary><c>host:port/database</c>: safe to log (no user, no password).</summary>
    public override string Target { get; }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override string DayOf(string column) => $"to_char(to_timestamp({column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    public override string Bytewise(string column) => $"{column} COLLATE \"C\"";

    public override string LikeIgnoringCase => "ILIKE";

    // Unique indexes on lower(column) (migrations 4 and 5).
    public override string CaseInsensitiveKey(string column) => $"((lower({column})))";

    // messages.seq is an identity column.
    public override string NextMessageSeq => "DEFAULT";

    protected override Task ApplyMigrationsAsync(DbConnection connection, CancellationToken cancellationToken) =>
        PostgresSchema.MigrateAsync((NpgsqlConnection)connection, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await base.DisposeAsync();
    }
}
