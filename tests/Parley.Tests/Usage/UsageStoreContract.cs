using Parley.Usage;
using Parley.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Usage;

/// <summary>One contract for every <see cref="IUsageStore"/>: the same records give the same groups.</summary>
public abstract class UsageStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Day1 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Day2 = new(2026, 3, 2, 23, 59, 0, TimeSpan.Zero);

    protected IUsageStore Store { get; private set; } = null!;

    protected abstract IUsageStore CreateStore();

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static UsageRecord Record(DateTimeOffset at, string owner = "local", string surface = "v1", string model = "mock/echo",
        long prompt = 10, long completion = 5, string outcome = "ok", bool cached = false, double latency = 100, double? cost = null) =>
        new(at, owner, null, surface, model, model, prompt, completion, prompt + completion, cached, latency, latency / 2, outcome, cost);

    private async Task SeedAsync() => await Store.AddAsync(
    [
        Record(Day1, cost: 0.5),
        Record(Day1, owner: "ann", surface: "chat", model: "openai/gpt-4o", prompt: 100, completion: 50, latency: 300, cost: 1.25),
        Record(Day1.AddMinutes(5), surface: "conversations", outcome: "provider_timeout", prompt: 0, completion: 0, latency: 50),
        Record(Day2, owner: "ann", surface: "kafka", cached: true, outcome: "cancelled"),
    ]);

    [Fact]
    public async Task Groups_by_day_with_totals_errors_cached_and_average_latency()
    {
        await SeedAsync();
        var groups = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Day, null));

        Assert.Equal(["2026-03-01", "2026-03-02"], groups.Select(g => g.Key));
        var first = groups[0];
        Assert.Equal((3, 110, 55, 165, 1, 0), (first.Requests, first.PromptTokens, first.CompletionTokens, first.TotalTokens, first.Errors, first.Cached));
        Assert.Equal(1.75, first.Cost!.Value, 9);
        Assert.Equal(150, first.AvgLatencyMs, 6);
        var second = groups[1];
        Assert.Equal((1, 0, 1), (second.Requests, second.Errors, second.Cached));
        Assert.Null(second.Cost);
    }

    [Fact]
    public async Task Groups_by_model_owner_and_surface()
    {
        await SeedAsync();
        var byModel = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Model, null));
        Assert.Equal([("mock/echo", 3L), ("openai/gpt-4o", 1L)], byModel.Select(g => (g.Key, g.Requests)));
        var byOwner = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Owner, null));
        Assert.Equal([("ann", 2L), ("local", 2L)], byOwner.Select(g => (g.Key, g.Requests)));
        var bySurface = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Surface, null));
        Assert.Equal(["chat", "conversations", "kafka", "v1"], bySurface.Select(g => g.Key));
    }

    [Fact]
    public async Task Groups_by_api_key_with_keyless_calls_under_a_dash()
    {
        await Store.AddAsync([Record(Day1) with { Key = "kkkkkkkkkkkk" }, Record(Day1) with { Key = "kkkkkkkkkkkk" }, Record(Day2)]);
        var byKey = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Key, null));
        Assert.Equal([("-", 1L), ("kkkkkkkkkkkk", 2L)], byKey.Select(g => (g.Key, g.Requests)));
    }

    [Fact]
    public async Task Filters_by_owner_and_a_half_open_range()
    {
        await SeedAsync();
        var ann = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Model, "ann"));
        Assert.Equal(2, ann.Sum(g => g.Requests));
        Assert.Equal(150 + 15, ann.Sum(g => g.TotalTokens));

        var firstDay = await Store.QueryAsync(new UsageQuery(Day1, Day1.AddMinutes(5), UsageGroupBy.Surface, null));
        Assert.Equal(["chat", "v1"], firstDay.Select(g => g.Key));
        Assert.Empty(await Store.QueryAsync(new UsageQuery(Day2.AddMinutes(1), null, UsageGroupBy.Day, null)));
    }

    [Fact]
    public async Task Deletes_records_before_a_cutoff_and_accepts_empty_batches()
    {
        await SeedAsync();
        await Store.AddAsync([]);
        Assert.Equal(3, await Store.DeleteBeforeAsync(Day2));
        var left = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Day, null));
        Assert.Equal("2026-03-02", Assert.Single(left).Key);
    }

    [Fact]
    public async Task Concurrent_batches_are_all_kept()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.AddAsync([Record(Day1.AddSeconds(i)), Record(Day1.AddSeconds(i))])));
        Assert.Equal(40, Assert.Single(await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Model, null))).Requests);
    }

    [Fact]
    public async Task Deleting_an_owner_removes_only_their_calls()
    {
        await SeedAsync();
        Assert.Equal(2, await Store.DeleteOwnerAsync("ann"));
        var owners = await Store.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Owner, null));
        Assert.Equal("local", Assert.Single(owners).Key);
        Assert.Equal(0, await Store.DeleteOwnerAsync("ann"));
    }
}

public sealed class InMemoryUsageStoreTests : UsageStoreContract
{
    protected override IUsageStore CreateStore() => new InMemoryUsageStore();
}

public sealed class SqliteUsageStoreTests : UsageStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-usage-tests", Guid.NewGuid().ToString("N"));

    protected override IUsageStore CreateStore()
    {
        Directory.CreateDirectory(_folder);
        return new SqlUsageStore(SqliteDatabase.ForFile(Path.Combine(_folder, "test.db")));
    }

    [Fact]
    public async Task Shares_the_conversation_database_and_its_migrations()
    {
        var path = Path.Combine(_folder, "shared.db");
        await new SqlConversationStore(SqliteDatabase.ForFile(path)).InitializeAsync();
        var usage = new SqlUsageStore(SqliteDatabase.ForFile(path));
        await usage.InitializeAsync();
        await usage.AddAsync([Record(Day1)]);
        Assert.Single(await usage.QueryAsync(new UsageQuery(null, null, UsageGroupBy.Owner, null)));
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
