using Parley.Bots;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Bots;

/// <summary>What every <see cref="IBotStore"/> must do: one conversation per thread, one answer per message, retries kept.</summary>
public abstract class BotStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected IBotStore Store { get; private set; } = null!;

    protected abstract Task<IBotStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static BotInboxItem Inbox(string id, int minutes) => new(id, "bot", "u1", "t1", "c_1", "hello " + id, "https://127.0.0.1/reply", T0.AddMinutes(minutes));

    private static BotOutboxItem Outbox(string id, string inboxId, int minutes) =>
        new(id, inboxId, "bot", "https://127.0.0.1/reply", "{\"text\":\"hi\"}", 0, T0.AddMinutes(minutes), T0.AddMinutes(minutes));

    [Fact]
    public async Task A_thread_maps_to_its_first_conversation()
    {
        Assert.Null(await Store.FindThreadAsync("bot", "u1", "t1"));
        await Store.AddThreadAsync("bot", "u1", "t1", "c_1");
        await Store.AddThreadAsync("bot", "u1", "t1", "c_2");
        Assert.Equal("c_1", await Store.FindThreadAsync("bot", "u1", "t1"));
        Assert.Null(await Store.FindThreadAsync("bot", "u2", "t1"));
    }

    [Fact]
    public async Task Completing_a_message_queues_exactly_one_delivery()
    {
        await Store.AddInboxAsync(Inbox("in_2", 2));
        await Store.AddInboxAsync(Inbox("in_1", 1));
        Assert.Equal(["in_1", "in_2"], (await Store.PendingInboxAsync(10)).Select(i => i.Id));

        await Store.CompleteInboxAsync("in_1", Outbox("out_1", "in_1", 1));
        await Store.CompleteInboxAsync("in_1", Outbox("out_1b", "in_1", 1));
        Assert.Equal(["in_2"], (await Store.PendingInboxAsync(10)).Select(i => i.Id));
        var due = await Store.DueOutboxAsync(T0.AddHours(1), 10);
        var delivery = Assert.Single(due);
        Assert.Equal(("out_1", "in_1", "{\"text\":\"hi\"}", 0), (delivery.Id, delivery.InboxId, delivery.Payload, delivery.Attempts));
        Assert.Equal(T0.AddMinutes(1), delivery.NextAttemptAt);
    }

    [Fact]
    public async Task Failures_reschedule_or_give_up_and_delivered_items_leave_the_queue()
    {
        foreach (var n in new[] { 1, 2, 3 })
        {
            await Store.AddInboxAsync(Inbox($"in_{n}", n));
            await Store.CompleteInboxAsync($"in_{n}", Outbox($"out_{n}", $"in_{n}", n));
        }
        Assert.Empty(await Store.DueOutboxAsync(T0, 10));

        await Store.RecordFailureAsync("out_1", 1, T0.AddMinutes(30), "HTTP 500");
        await Store.RecordFailureAsync("out_2", 5, null, "gave up");
        await Store.MarkDeliveredAsync("out_3", T0.AddMinutes(4));

        Assert.Empty(await Store.DueOutboxAsync(T0.AddMinutes(10), 10));
        var retried = Assert.Single(await Store.DueOutboxAsync(T0.AddMinutes(30), 10));
        Assert.Equal(("out_1", 1), (retried.Id, retried.Attempts));
    }
}

public sealed class InMemoryBotStoreTests : BotStoreContract
{
    protected override Task<IBotStore> CreateStoreAsync() => Task.FromResult<IBotStore>(new InMemoryBotStore());
}

public sealed class SqliteBotStoreTests : BotStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-bot-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IBotStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult<IBotStore>(new SqlBotStore(SqliteDatabase.ForFile(Path.Combine(_folder, "test.db"))));
    }

    [Fact]
    public async Task A_schema_8_file_whose_bot_tables_the_bot_store_created_upgrades_and_keeps_its_threads()
    {
        // Schema 8 files hold the bot tables already: before migration 9 the bot store created them itself, with the same DDL.
        var path = Path.Combine(_folder, "schema8.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            // Up to migration 9 only, whose DDL is the bot store's: later migrations must still run on this file.
            SqliteSchema.Migrate(connection, upTo: 9);
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO bot_threads (bot, user_id, thread_id, conversation_id) VALUES ('support', 'u1', 't1', 'c_kept');
                PRAGMA user_version = 8;
                """;
            command.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var store = new SqlBotStore(SqliteDatabase.ForFile(path));
        await store.InitializeAsync();

        Assert.Equal("c_kept", await store.FindThreadAsync("support", "u1", "t1"));
        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.Equal((long)SqliteSchema.LatestVersion, (long)version.ExecuteScalar()!);
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
