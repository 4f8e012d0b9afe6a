using Parley.Conversations;
using Parley.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Storage;

public sealed class SqliteConversationStoreTests : ConversationStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-store-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IConversationStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult<IConversationStore>(new SqlConversationStore(SqliteDatabase.ForFile(Path.Combine(_folder, "test.db"))));
    }

    protected override async Task<string> NewFolderAsync(string owner)
    {
        var folder = new Parley.Folders.Folder(Parley.Folders.Folder.NewId(), owner, "Work", DateTimeOffset.UnixEpoch);
        await new Parley.Folders.SqlFolderStore(SqliteDatabase.ForFile(Path.Combine(_folder, "test.db"))).AddAsync(folder);
        return folder.Id;
    }

    [Fact]
    public async Task Initialising_twice_keeps_the_data_and_uses_wal()
    {
        var conversation = new Conversation { Id = "c_1", Owner = "o", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };
        await Store.CreateConversationAsync(conversation);
        await Store.InitializeAsync();
        Assert.NotNull(await Store.GetConversationAsync("o", "c_1"));
        Assert.True(File.Exists(Path.Combine(_folder, "test.db-wal")) || File.Exists(Path.Combine(_folder, "test.db")));
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder, "test.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    [Fact]
    public async Task A_database_from_schema_1_is_migrated_and_keeps_its_conversations()
    {
        var path = Path.Combine(_folder, "old.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE conversations (id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, has_title INTEGER NOT NULL DEFAULT 0,
                    system_prompt TEXT, model TEXT, temperature REAL, max_tokens INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, parent_id TEXT, seq INTEGER NOT NULL, role TEXT NOT NULL,
                    parts TEXT NOT NULL, text TEXT NOT NULL, model TEXT, status TEXT NOT NULL, error TEXT, usage TEXT, timings TEXT, created_at INTEGER NOT NULL);
                CREATE TABLE images (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, media_type TEXT NOT NULL, data BLOB NOT NULL);
                INSERT INTO conversations (id, owner, title, created_at, updated_at) VALUES ('c_old', 'o', 'Old chat', 0, 0);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        var store = new SqlConversationStore(SqliteDatabase.ForFile(path));
        await store.InitializeAsync();

        var old = await store.GetConversationAsync("o", "c_old");
        Assert.Equal("Old chat", old!.Title);
        Assert.Null(old.Tools);
        Assert.True(await store.UpdateConversationAsync(old with { Tools = ["calculator"] }));
        Assert.Equal(["calculator"], (await store.GetConversationAsync("o", "c_old"))!.Tools!);
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
