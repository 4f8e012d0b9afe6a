using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>The embedded default: one SQLite file in WAL mode under the data folder, foreign keys on.</summary>
public sealed class SqliteDatabase(string connectionString) : SqlDatabase
{
    public static SqliteDatabase ForFile(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, ForeignKeys = true }.ToString());

    public override string Kind => "sqlite";

    public override string Target => new SqliteConnectionStringBuilder(connectionString).DataSource;

    /// <summary>A connection that overwrites what it deletes (<c>secure_delete</c>), so deleted text does not linger in free pages.</summary>
    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA secure_delete = ON;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override string DayOf(string column) => $"strftime('%Y-%m-%d', {column} / 1000, 'unixepoch')";

    // SQLite compares text with BINARY unless a column says otherwise.
    public override string Bytewise(string column) => column;

    public override string LikeIgnoringCase => "LIKE";

    // The key columns are declared COLLATE NOCASE.
    public override string CaseInsensitiveKey(string column) => $"({column})";

    public override string NextMessageSeq => "(SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = @conversationId)";

    // Best effort: readers in progress can keep part of the log until the next deletion.
    public override string AfterDeletion => "PRAGMA wal_checkpoint(TRUNCATE);";

    protected override Task ApplyMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        SqliteSchema.Migrate((SqliteConnection)connection);
        return Task.CompletedTask;
    }
}
