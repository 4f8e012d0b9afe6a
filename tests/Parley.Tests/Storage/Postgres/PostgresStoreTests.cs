using Npgsql;
using Parley.Storage;
using Parley.Storage.Postgres;
using Parley.Tests.Bots;
using Parley.Tests.Usage;
using Parley.Audit;
using Parley.Bots;
using Parley.Identity;
using Parley.Usage;

// The test classes dispose their database in IAsyncLifetime.DisposeAsync, which CA1001 does not know about.
#pragma warning disable CA1001

namespace Parley.Tests.Storage.Postgres;

/// <summary>The shared conversation store contract, against a fresh PostgreSQL database per test.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresConversationStoreTests(PostgresFixture fixture) : ConversationStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<IConversationStore> CreateStoreAsync()
    {
        _database = new PostgresDatabase(await fixture.Cluster.CreateDatabaseAsync());
        return new SqlConversationStore(_database);
    }

    protected override async Task<string> NewFolderAsync(string owner)
    {
        var folder = new Parley.Folders.Folder(Parley.Folders.Folder.NewId(), owner, "Work", DateTimeOffset.UnixEpoch);
        await new Parley.Folders.SqlFolderStore(_database!).AddAsync(folder);
        return folder.Id;
    }

    [Fact]
    public async Task Reports_its_kind_and_target_without_credentials()
    {
        var store = (SqlConversationStore)Store;
        Assert.Equal("postgres", store.Kind);
        Assert.StartsWith($"127.0.0.1:{fixture.Cluster.Port}/t_", store.Target, StringComparison.Ordinal);
        Assert.True(await store.IsHealthyAsync());
    }

    [Fact]
    public async Task Search_is_case_insensitive_and_treats_wildcards_literally()
    {
        var conversation = new Parley.Conversations.Conversation { Id = "c_1", Owner = "o", Title = "Plan", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };
        await Store.CreateConversationAsync(conversation);
        await Store.AddMessageAsync(new Parley.Conversations.StoredMessage
        {
            Id = "m_1", ConversationId = "c_1", Role = "user", Parts = [new Parley.Conversations.TextPart("Budget is 100% DONE_now")], CreatedAt = DateTimeOffset.UnixEpoch,
        });
        Assert.Single((await Store.ListConversationsAsync("o", new ConversationQuery(Search: "100% done_"))).Items);
        Assert.Empty((await Store.ListConversationsAsync("o", new ConversationQuery(Search: "1_0"))).Items);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresUsageStoreTests(PostgresFixture fixture) : UsageStoreContract
{
    private PostgresDatabase? _database;

    // The contract creates its store synchronously; the database is made on the thread pool (no xunit context to block).
    protected override IUsageStore CreateStore()
    {
        _database = new PostgresDatabase(Task.Run(() => fixture.Cluster.CreateDatabaseAsync()).GetAwaiter().GetResult());
        return new SqlUsageStore(_database);
    }

    [Fact]
    public async Task Shares_the_conversation_database_and_its_migrations()
    {
        await new SqlConversationStore(_database!).InitializeAsync();
        await Store.AddAsync([Record(Day1)]);
        Assert.Single(await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Owner, null)));
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresBotStoreTests(PostgresFixture fixture) : BotStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<Parley.Bots.IBotStore> CreateStoreAsync()
    {
        _database = new PostgresDatabase(await fixture.Cluster.CreateDatabaseAsync());
        return new SqlBotStore(_database);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

/// <summary>Migrations: versioned, idempotent, and applied exactly once when instances start at the same moment.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresMigrationTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Two_instances_initialising_one_empty_database_at_once_both_succeed_and_migrate_once()
    {
        var connectionString = await fixture.Cluster.CreateDatabaseAsync();
        var databases = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(connectionString)).ToList();
        try
        {
            // Separate data sources = separate processes' pools; all start together.
            using var go = new ManualResetEventSlim();
            var starts = databases.Select(d => Task.Run(async () =>
            {
                go.Wait(TimeSpan.FromSeconds(10));
                await new SqlConversationStore(d).InitializeAsync();
                await new SqlUsageStore(d).InitializeAsync();
            })).ToList();
            go.Set();
            await Task.WhenAll(starts).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(Enumerable.Range(1, PostgresSchema.LatestVersion).ToList(), await VersionsAsync(connectionString));
            var store = new SqlConversationStore(databases[0]);
            await store.CreateConversationAsync(new Parley.Conversations.Conversation { Id = "c_1", Owner = "o", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch });
            Assert.NotNull(await new SqlConversationStore(databases[3]).GetConversationAsync("o", "c_1"));
        }
        finally
        {
            foreach (var d in databases)
                await d.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restarting_keeps_data_and_a_newer_schema_is_refused()
    {
        var connectionString = await fixture.Cluster.CreateDatabaseAsync();
        await using (var first = new PostgresDatabase(connectionString))
        {
            await first.MigrateAsync();
            await new SqlConversationStore(first).CreateConversationAsync(
                new Parley.Conversations.Conversation { Id = "c_1", Owner = "o", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch });
        }
        await using (var second = new PostgresDatabase(connectionString))
        {
            await second.MigrateAsync();
            Assert.NotNull(await new SqlConversationStore(second).GetConversationAsync("o", "c_1"));
        }
        Assert.Equal(Enumerable.Range(1, PostgresSchema.LatestVersion), await VersionsAsync(connectionString));

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("INSERT INTO parley_schema_version (version) VALUES (99)", connection);
            await command.ExecuteNonQueryAsync();
        }
        await using var third = new PostgresDatabase(connectionString);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => third.MigrateAsync());
        Assert.Contains("newer Parley (schema 99", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<List<int>> VersionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM parley_schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
            versions.Add(reader.GetInt32(0));
        return versions;
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresIdentityStoreTests(PostgresFixture fixture) : Parley.Tests.Identity.IdentityStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<Parley.Identity.IIdentityStore> CreateStoreAsync()
    {
        _database = new PostgresDatabase(await fixture.Cluster.CreateDatabaseAsync());
        return new SqlIdentityStore(_database);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresShareStoreTests(PostgresFixture fixture) : Parley.Tests.Sharing.ShareStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<Parley.Sharing.IShareStore> CreateStoreAsync()
    {
        _database = new PostgresDatabase(await fixture.Cluster.CreateDatabaseAsync());
        return new Parley.Sharing.SqlShareStore(_database);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresAuditStoreTests(PostgresFixture fixture) : Parley.Tests.Audit.AuditStoreContract
{
    private PostgresDatabase? _database;
    private string _connectionString = "";

    // The contract creates its store synchronously; the database is made on the thread pool (no xunit context to block).
    protected override Parley.Audit.IAuditStore CreateStore()
    {
        _connectionString = Task.Run(() => fixture.Cluster.CreateDatabaseAsync()).GetAwaiter().GetResult();
        _database = new PostgresDatabase(_connectionString);
        return new SqlAuditStore(_database);
    }

    [Theory]
    [InlineData("UPDATE audit SET outcome = 'success'")]
    [InlineData("DELETE FROM audit")]
    public async Task The_table_refuses_updates_and_deletes(string sql)
    {
        await Store.AppendAsync([new Parley.Audit.AuditEvent(0, DateTimeOffset.UnixEpoch, "admin", null, Parley.Audit.AuditActions.SignIn, null,
            Parley.Audit.AuditActions.Failure, null, null)]);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        Assert.Single((await Store.QueryAsync(new Parley.Audit.AuditQuery())).Items);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresFolderStoreTests(PostgresFixture fixture) : Parley.Tests.Folders.FolderStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<(Parley.Folders.IFolderStore Folders, IConversationStore Conversations)> CreateStoresAsync()
    {
        _database = new PostgresDatabase(await fixture.Cluster.CreateDatabaseAsync());
        return (new Parley.Folders.SqlFolderStore(_database), new SqlConversationStore(_database));
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}
