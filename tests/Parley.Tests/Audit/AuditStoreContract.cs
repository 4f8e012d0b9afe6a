using Microsoft.Data.Sqlite;
using Parley.Audit;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Audit;

/// <summary>The behaviour every <see cref="IAuditStore"/> must have; each store runs this suite.</summary>
public abstract class AuditStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected IAuditStore Store { get; private set; } = null!;

    protected abstract IAuditStore CreateStore();

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static AuditEvent Event(int minutes, string actor, string action, string outcome = AuditActions.Success, string? key = null) =>
        new(0, T0.AddMinutes(minutes), actor, key, action, "target-" + minutes, outcome, "127.0.0.1", "detail " + minutes);

    private async Task SeedAsync() => await Store.AppendAsync(
    [
        Event(0, "admin", AuditActions.SignIn),
        Event(1, "admin", AuditActions.UserCreated),
        Event(2, "alice", AuditActions.KeyCreated, key: "k1"),
        Event(3, AuditActions.Anonymous, AuditActions.KeyRefused, AuditActions.Failure),
        Event(4, "Alice", AuditActions.KeyRevoked),
        Event(5, AuditActions.System, AuditActions.RetentionRun),
    ]);

    [Fact]
    public async Task Events_come_back_newest_first_with_every_field_and_an_id()
    {
        await SeedAsync();
        var page = await Store.QueryAsync(new AuditQuery());
        Assert.Equal(6, page.Items.Count);
        Assert.Null(page.NextCursor);
        Assert.Equal(Enumerable.Range(0, 6).Reverse().Select(m => T0.AddMinutes(m)), page.Items.Select(e => e.At));
        Assert.True(page.Items.Zip(page.Items.Skip(1)).All(p => p.First.Id > p.Second.Id));
        var key = page.Items.Single(e => e.Action == AuditActions.KeyCreated);
        Assert.Equal(Event(2, "alice", AuditActions.KeyCreated, key: "k1") with { Id = key.Id }, key);
    }

    [Fact]
    public async Task Filters_by_time_action_prefix_and_actor_case_insensitively()
    {
        await SeedAsync();
        Assert.Equal([4, 3, 2], (await Store.QueryAsync(new AuditQuery(From: T0.AddMinutes(2), To: T0.AddMinutes(5)))).Items.Select(Minute));
        Assert.Equal([4, 2], (await Store.QueryAsync(new AuditQuery(Action: "key"))).Items.Select(Minute));
        Assert.Equal([2], (await Store.QueryAsync(new AuditQuery(Action: AuditActions.KeyCreated))).Items.Select(Minute));
        Assert.Empty((await Store.QueryAsync(new AuditQuery(Action: "ke"))).Items);
        Assert.Equal([4, 2], (await Store.QueryAsync(new AuditQuery(Actor: "ALICE"))).Items.Select(Minute));
        Assert.Equal([3], (await Store.QueryAsync(new AuditQuery(Action: "auth", Actor: AuditActions.Anonymous))).Items.Select(Minute));
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        await SeedAsync();
        var seen = new List<int>();
        string? cursor = null;
        for (var i = 0; i < 10; i++)
        {
            var page = await Store.QueryAsync(new AuditQuery(Limit: 4, Cursor: cursor));
            seen.AddRange(page.Items.Select(Minute));
            cursor = page.NextCursor;
            if (cursor is null)
                break;
        }
        Assert.Equal([5, 4, 3, 2, 1, 0], seen);
    }

    [Fact]
    public async Task A_foreign_cursor_is_refused()
    {
        var error = await Assert.ThrowsAsync<Parley.Errors.ParleyException>(() => Store.QueryAsync(new AuditQuery(Cursor: "abc")));
        Assert.Equal("invalid_request", error.Code);
    }

    private static int Minute(AuditEvent e) => (int)(e.At - T0).TotalMinutes;
}

public sealed class InMemoryAuditStoreTests : AuditStoreContract
{
    protected override IAuditStore CreateStore() => new InMemoryAuditStore();
}

public sealed class SqliteAuditStoreTests : AuditStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-audit-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "parley.db");

    protected override IAuditStore CreateStore()
    {
        Directory.CreateDirectory(_folder);
        return new SqlAuditStore(SqliteDatabase.ForFile(DatabasePath));
    }

    [Theory]
    [InlineData("UPDATE audit SET outcome = 'success'")]
    [InlineData("DELETE FROM audit")]
    [InlineData("DELETE FROM audit WHERE id = 1")]
    public async Task The_table_refuses_updates_and_deletes(string sql)
    {
        await Store.AppendAsync([Event(0, "admin", AuditActions.SignIn, AuditActions.Failure)]);
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        command.CommandText = "SELECT COUNT(*), MIN(outcome) FROM audit";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(AuditActions.Failure, reader.GetString(1));
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
