using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Folders;
using Parley.Redis;
using Parley.Redis.History;
using Parley.Storage;
using Parley.Storage.Sqlite;
using Parley.Tests.Folders;
using Parley.Tests.Support;

namespace Parley.Tests.Redis;

/// <summary>The folder contract with the folders in SQLite and the conversations in the Redis history (REDIS_URL).</summary>
public sealed class RedisHistoryFolderStoreTests(RedisFixture redis) : FolderStoreContract, IClassFixture<RedisFixture>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
    private RedisConnection? _connection;

    protected override bool ConversationsSeeFolders => false;

    protected override Task<(IFolderStore Folders, IConversationStore Conversations)> CreateStoresAsync()
    {
        Directory.CreateDirectory(_folder);
        var options = new RedisOptions();
        _connection = redis.Connect($"t{Guid.NewGuid():N}:", options);
        var history = new FallbackConversationStore(new RedisConversationStore(_connection, Options.Create(options)), _connection);
        var folders = new FolderStoreWithHistory(new SqlFolderStore(SqliteDatabase.ForFile(Path.Combine(_folder, "parley.db"))), history);
        return Task.FromResult<(IFolderStore, IConversationStore)>((folders, history));
    }

    [Fact]
    public async Task Deleting_a_folder_through_the_api_clears_it_on_the_conversations_in_Redis()
    {
        await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?> { ["REDIS_URL"] = redis.Server.Url });
        var folder = await IdAsync(await server.Client.PostAsJsonAsync("/api/folders", new { name = "Work" }));
        var filed = await IdAsync(await server.Client.PostAsJsonAsync("/api/conversations", new { title = "Filed" }));
        var kept = await IdAsync(await server.Client.PostAsJsonAsync("/api/folders", new { name = "Kept" }));
        var other = await IdAsync(await server.Client.PostAsJsonAsync("/api/conversations", new { title = "Other" }));
        (await server.Client.PatchAsJsonAsync($"/api/conversations/{filed}", new { folderId = folder })).EnsureSuccessStatusCode();
        (await server.Client.PatchAsJsonAsync($"/api/conversations/{other}", new { folderId = kept })).EnsureSuccessStatusCode();
        Assert.Contains($"\"folderId\":\"{folder}\"", await server.Client.GetStringAsync($"/api/conversations?organised=true"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync($"/api/folders/{folder}")).StatusCode);

        var organised = (await server.Client.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items");
        Assert.Equal([(other, kept)], organised.EnumerateArray().Select(i => (i.GetProperty("id").GetString(), i.GetProperty("folderId").GetString())));
        // What Redis itself holds for the conversation, not only what the API shows.
        var json = await redis.Server.CommandAsync($"HGET parley:history:conversation:{filed} json");
        Assert.Contains("\"folderId\":null", json, StringComparison.Ordinal);
        Assert.Contains($"\"folderId\":\"{kept}\"", await redis.Server.CommandAsync($"HGET parley:history:conversation:{other} json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_Redis_is_unreachable_a_folder_is_not_deleted_and_keeps_its_conversations()
    {
        await using var own = await RedisServer.StartAsync();
        await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?> { ["REDIS_URL"] = own.Url });
        var folder = await IdAsync(await server.Client.PostAsJsonAsync("/api/folders", new { name = "Work" }));
        var filed = await IdAsync(await server.Client.PostAsJsonAsync("/api/conversations", new { title = "Filed" }));
        (await server.Client.PatchAsJsonAsync($"/api/conversations/{filed}", new { folderId = folder })).EnsureSuccessStatusCode();

        await own.KillAsync();
        var refused = await server.Client.DeleteAsync($"/api/folders/{folder}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("store_unavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Contains(folder, await server.Client.GetStringAsync("/api/folders"), StringComparison.Ordinal);

        await own.RestartAsync();
        // Nothing persisted in this Redis (no save): the folder can go now and nothing is left filed in it.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            status = (await server.Client.DeleteAsync($"/api/folders/{folder}")).StatusCode;
            if (status != HttpStatusCode.NoContent)
                await Task.Delay(250);
        }
        while (status != HttpStatusCode.NoContent && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.DoesNotContain(folder, await server.Client.GetStringAsync("/api/folders"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Folders_and_pins_of_Redis_conversations_round_trip_through_export_and_import()
    {
        var environment = new Dictionary<string, string?> { ["REDIS_URL"] = redis.Server.Url };
        await using var source = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Redis:KeyPrefix"] = $"s{Guid.NewGuid():N}:" }, environment);
        var folder = await IdAsync(await source.Client.PostAsJsonAsync("/api/folders", new { name = "Work" }));
        var filed = await IdAsync(await source.Client.PostAsJsonAsync("/api/conversations", new { title = "Filed" }));
        (await source.Client.PatchAsJsonAsync($"/api/conversations/{filed}", new { pinned = true, folderId = folder })).EnsureSuccessStatusCode();
        var exported = await source.Client.GetStringAsync("/api/export");

        await using var target = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Redis:KeyPrefix"] = $"d{Guid.NewGuid():N}:" }, environment);
        var imported = await target.Client.PostAsync("/api/import", new StringContent(exported, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        var organised = (await target.Client.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items");
        var item = Assert.Single(organised.EnumerateArray());
        Assert.Equal((filed, true, folder), (item.GetProperty("id").GetString(), item.GetProperty("pinned").GetBoolean(), item.GetProperty("folderId").GetString()));
        Assert.Equal(exported, await target.Client.GetStringAsync("/api/export"));
    }

    private static async Task<string> IdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public override Task DisposeAsync()
    {
        _connection?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
