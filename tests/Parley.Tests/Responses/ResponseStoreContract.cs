using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Parley.Responses;
using Parley.Storage.Postgres;
using Parley.Tests.Storage.Postgres;
using Parley.Tests.Support;

// The test classes dispose their database in IAsyncLifetime.DisposeAsync, which CA1001 does not know about.
#pragma warning disable CA1001

namespace Parley.Tests.Responses;

/// <summary>The behaviour every <see cref="IResponseStore"/> must have; each store runs this suite.</summary>
public abstract class ResponseStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    protected ManualTimeProvider Time { get; } = new(T0.AddMinutes(30));

    protected IResponseStore Store { get; private set; } = null!;

    protected abstract Task<IResponseStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static StoredResponse Response(string id, string owner, int minutes = 0, string text = "Hello", string? relayedBy = null) => new(
        id, owner,
        new JsonObject { ["id"] = id, ["object"] = "response", ["status"] = "completed", ["output"] = new JsonArray(new JsonObject { ["type"] = "message", ["text"] = text }) },
        [new JsonObject { ["id"] = "msg_1", ["type"] = "message", ["role"] = "user" }],
        [
            new ChatMessage(ChatRole.User, [new TextContent("what time is it?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]),
            new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("think") { ProtectedData = "sig" }, new FunctionCallContent("call_1", "now", new Dictionary<string, object?> { ["zone"] = "UTC" })]),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "12:00")]),
            new ChatMessage(ChatRole.Assistant, text),
        ],
        "mock/echo", T0.AddMinutes(minutes), relayedBy);

    [Fact]
    public async Task A_saved_response_reads_back_with_its_json_items_and_history()
    {
        Assert.True(await Store.SaveAsync(Response("resp_1", "alice", relayedBy: "openai")));

        var found = await Store.FindAsync("resp_1", "alice");

        Assert.NotNull(found);
        Assert.Equal(("resp_1", "alice", "mock/echo", "openai", T0), (found.Id, found.Owner, found.ModelId, found.RelayedBy, found.At));
        Assert.Equal("Hello", found.Response["output"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("msg_1", found.InputItems[0]!["id"]!.GetValue<string>());
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], found.History.Select(m => m.Role));
        var image = Assert.IsType<DataContent>(found.History[0].Contents[1]);
        Assert.Equal(new byte[] { 1, 2, 3 }, image.Data.ToArray());
        Assert.Equal("image/png", image.MediaType);
        var reasoning = Assert.IsType<TextReasoningContent>(found.History[1].Contents[0]);
        Assert.Equal(("think", "sig"), (reasoning.Text, reasoning.ProtectedData));
        var call = Assert.IsType<FunctionCallContent>(found.History[1].Contents[1]);
        Assert.Equal(("call_1", "now", "UTC"), (call.CallId, call.Name, ((JsonElement)call.Arguments!["zone"]!).GetString()));
        Assert.Equal("12:00", ((JsonElement)Assert.IsType<FunctionResultContent>(found.History[2].Contents[0]).Result!).GetString());
        Assert.Equal("Hello", found.History[3].Text);
    }

    [Fact]
    public async Task Another_owners_id_is_not_found_and_not_deleted_and_owners_compare_without_case()
    {
        await Store.SaveAsync(Response("resp_1", "alice"));

        Assert.Null(await Store.FindAsync("resp_1", "bob"));
        Assert.False(await Store.DeleteAsync("resp_1", "bob"));
        Assert.NotNull(await Store.FindAsync("resp_1", "ALICE"));
        Assert.True(await Store.DeleteAsync("resp_1", "Alice"));
        Assert.Null(await Store.FindAsync("resp_1", "alice"));
        Assert.False(await Store.DeleteAsync("resp_1", "alice"));
    }

    [Fact]
    public async Task Saving_an_id_again_replaces_it_for_its_owner_only()
    {
        await Store.SaveAsync(Response("resp_1", "alice", text: "first"));

        Assert.False(await Store.SaveAsync(Response("resp_1", "bob", text: "bob's")));
        Assert.Null(await Store.FindAsync("resp_1", "bob"));
        Assert.True(await Store.SaveAsync(Response("resp_1", "alice", minutes: 1, text: "second")));
        Assert.Equal("second", (await Store.FindAsync("resp_1", "alice"))!.Response["output"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_response_expires_after_its_lifetime()
    {
        await Store.SaveAsync(Response("resp_1", "alice"));
        Time.Advance(StoredResponse.Lifetime - TimeSpan.FromMinutes(31));
        Assert.NotNull(await Store.FindAsync("resp_1", "alice"));
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await Store.FindAsync("resp_1", "alice"));
        Assert.False(await Store.DeleteAsync("resp_1", "alice"));
    }

    [Fact]
    public async Task Deleting_an_owners_responses_and_old_responses_leaves_the_rest()
    {
        await Store.SaveAsync(Response("resp_a0", "alice", minutes: 0));
        await Store.SaveAsync(Response("resp_a9", "alice", minutes: 9));
        await Store.SaveAsync(Response("resp_b0", "bob", minutes: 0));
        await Store.SaveAsync(Response("resp_c9", "carol", minutes: 9));

        Assert.Equal(1, await Store.DeleteOfOwnerAsync("ALICE", T0.AddMinutes(5)));
        Assert.Null(await Store.FindAsync("resp_a0", "alice"));
        Assert.NotNull(await Store.FindAsync("resp_a9", "alice"));
        Assert.Equal(1, await Store.DeleteOlderThanAsync(T0.AddMinutes(5)));
        Assert.Null(await Store.FindAsync("resp_b0", "bob"));
        Assert.Equal(1, await Store.DeleteOfOwnerAsync("alice", null));
        Assert.Null(await Store.FindAsync("resp_a9", "alice"));
        Assert.NotNull(await Store.FindAsync("resp_c9", "carol"));
    }

    [Fact]
    public async Task A_response_past_the_size_cap_is_not_stored()
    {
        var big = Response("resp_big", "alice") with { History = [new ChatMessage(ChatRole.User, new string('x', StoredResponse.MaxBytes))] };

        Assert.False(await Store.SaveAsync(big));
        Assert.Null(await Store.FindAsync("resp_big", "alice"));
        Assert.True(await Store.SaveAsync(Response("resp_small", "alice")));
    }
}

public sealed class InMemoryResponseStoreTests : ResponseStoreContract
{
    protected override Task<IResponseStore> CreateStoreAsync() => Task.FromResult<IResponseStore>(new InMemoryResponseStore(Time));
}

public sealed class SqliteResponseStoreTests : ResponseStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IResponseStore> CreateStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult<IResponseStore>(new SqlResponseStore(Parley.Storage.Sqlite.SqliteDatabase.ForFile(Path.Combine(_folder, "parley.db")), Time));
    }

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresResponseStoreTests(PostgresFixture fixture) : ResponseStoreContract
{
    private PostgresDatabase? _database;

    protected override async Task<IResponseStore> CreateStoreAsync()
    {
        _database = new PostgresDatabase(await fixture.Cluster.CreateDatabaseAsync());
        return new SqlResponseStore(_database, Time);
    }

    public override async Task DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
    }
}
