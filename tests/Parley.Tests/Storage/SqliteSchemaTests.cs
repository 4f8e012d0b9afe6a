using Microsoft.Data.Sqlite;
using Parley.Audit;
using Parley.Identity;
using Parley.Storage.Sqlite;
using Parley.Storage;
using Parley.Usage;

namespace Parley.Tests.Storage;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-schema-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "parley.db");

    public SqliteSchemaTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Every_store_initialising_one_new_file_at_once_migrates_it_exactly_once()
    {
        var path = DatabasePath;
        Func<Task>[] initialisers =
        [
            () => new SqlConversationStore(SqliteDatabase.ForFile(path)).InitializeAsync(),
            () => new SqlUsageStore(SqliteDatabase.ForFile(path)).InitializeAsync(),
            () => new SqlIdentityStore(SqliteDatabase.ForFile(path)).InitializeAsync(),
            () => new SqlAuditStore(SqliteDatabase.ForFile(path)).InitializeAsync(),
        ];

        // Released together, so the stores race for the empty file the way a server's start-up tasks can.
        using var start = new ManualResetEventSlim();
        var racing = Enumerable.Range(0, 6).SelectMany(_ => initialisers)
            .Select(init => Task.Factory.StartNew(() => { start.Wait(); return init(); }, TaskCreationOptions.LongRunning).Unwrap()).ToList();
        start.Set();
        await Task.WhenAll(racing);

        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        Assert.Equal(SqliteSchema.LatestVersion, Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('conversations', 'usage', 'users', 'audit')";
        Assert.Equal(4L, command.ExecuteScalar());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
