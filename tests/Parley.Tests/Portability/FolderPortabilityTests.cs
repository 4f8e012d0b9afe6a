using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Portability;

/// <summary>Folders and pins in the Parley export: written, imported (ids kept when free, matched to the caller's folders), validated, and files without them still import.</summary>
public sealed class FolderPortabilityTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Folders_and_pins_round_trip_through_export_and_import_into_an_empty_server()
    {
        var work = await CreateAsync(Client, "/api/folders", new { name = "Work" });
        var trips = await CreateAsync(Client, "/api/folders", new { name = "Trips" });
        await CreateAsync(Client, "/api/folders", new { name = "Empty" });
        var plan = await CreateAsync(Client, "/api/conversations", new { title = "Plan" });
        var lisbon = await CreateAsync(Client, "/api/conversations", new { title = "Lisbon" });
        var plain = await CreateAsync(Client, "/api/conversations", new { title = "Plain" });
        (await Client.PatchAsJsonAsync($"/api/conversations/{plan}", new { pinned = true, folderId = work })).EnsureSuccessStatusCode();
        (await Client.PatchAsJsonAsync($"/api/conversations/{lisbon}", new { folderId = trips })).EnsureSuccessStatusCode();

        var exported = await Client.GetByteArrayAsync("/api/export");
        var document = JsonDocument.Parse(exported).RootElement;
        Assert.Equal(["Empty", "Trips", "Work"], document.GetProperty("folders").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        var byId = document.GetProperty("conversations").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.Equal((true, work), (byId[plan].GetProperty("pinned").GetBoolean(), byId[plan].GetProperty("folderId").GetString()));
        Assert.Equal((false, trips), (byId[lisbon].GetProperty("pinned").GetBoolean(), byId[lisbon].GetProperty("folderId").GetString()));
        Assert.False(byId[plain].TryGetProperty("folderId", out _));

        // One conversation's export carries the folder it is in, and only that one.
        var one = JsonDocument.Parse(await Client.GetByteArrayAsync($"/api/conversations/{lisbon}/export")).RootElement;
        Assert.Equal([(trips, "Trips")], one.GetProperty("folders").EnumerateArray().Select(f => (f.GetProperty("id").GetString(), f.GetProperty("name").GetString())));

        await using var empty = await ParleyTestServer.StartAsync();
        var imported = await PostJsonAsync(empty.Client, Encoding.UTF8.GetString(exported));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var result = await imported.Content.ReadFromJsonAsync<JsonElement>();
        Assert.All(result.GetProperty("folders").EnumerateArray(), f => Assert.True(f.GetProperty("created").GetBoolean()));
        Assert.Contains(result.GetProperty("conversations").EnumerateArray(), c => c.GetProperty("id").GetString() == plan && c.GetProperty("folderId").GetString() == work);

        var organised = (await empty.Client.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("id").GetString()!);
        Assert.Equal(new[] { lisbon, plan }.Order(StringComparer.Ordinal), organised.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((true, work), (organised[plan].GetProperty("pinned").GetBoolean(), organised[plan].GetProperty("folderId").GetString()));
        Assert.Equal((false, trips), (organised[lisbon].GetProperty("pinned").GetBoolean(), organised[lisbon].GetProperty("folderId").GetString()));
        Assert.Equal(Encoding.UTF8.GetString(exported), Encoding.UTF8.GetString(await empty.Client.GetByteArrayAsync("/api/export")));
    }

    [Fact]
    public async Task Importing_into_an_account_with_folders_files_into_the_matching_ones_and_loses_nothing()
    {
        var work = await CreateAsync(Client, "/api/folders", new { name = "Work" });
        var mine = await CreateAsync(Client, "/api/conversations", new { title = "Mine" });
        (await Client.PatchAsJsonAsync($"/api/conversations/{mine}", new { pinned = true, folderId = work })).EnsureSuccessStatusCode();
        var before = await Client.GetStringAsync("/api/export");

        // The same file again (as a copy): the folder is the one already there, nothing is added or renamed.
        var again = await PostJsonAsync(Client, before);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var result = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([(work, false)], result.GetProperty("folders").EnumerateArray().Select(f => (f.GetProperty("id").GetString(), f.GetProperty("created").GetBoolean())));
        var copy = result.GetProperty("conversations")[0];
        Assert.True(copy.GetProperty("newIds").GetBoolean());
        Assert.Equal(work, copy.GetProperty("folderId").GetString());

        // Another server's file: its "Work" (another id) goes into this "Work", its "Ideas" is added.
        var file = $$"""
            {"format":"parley.export","version":1,
             "folders":[{"id":"f_elsewhere","name":"Work","createdAt":"2026-01-02T03:04:05Z"},{"id":"f_ideas","name":"Ideas"}],
             "conversations":[
               {"id":"c_elsewhere1","title":"From afar","hasTitle":true,"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z","messages":[],"folderId":"f_elsewhere"},
               {"id":"c_elsewhere2","title":"An idea","hasTitle":true,"pinned":true,"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z","messages":[],"folderId":"f_ideas"}]}
            """;
        var response = await PostJsonAsync(Client, file);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var folders = await Client.GetFromJsonAsync<JsonElement>("/api/folders");
        Assert.Equal([("f_ideas", "Ideas"), (work, "Work")], folders.EnumerateArray().Select(f => (f.GetProperty("id").GetString(), f.GetProperty("name").GetString())));
        var organised = (await Client.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("id").GetString()!);
        Assert.Equal(4, organised.Count);
        Assert.Equal(work, organised["c_elsewhere1"].GetProperty("folderId").GetString());
        Assert.Equal(("f_ideas", true), (organised["c_elsewhere2"].GetProperty("folderId").GetString(), organised["c_elsewhere2"].GetProperty("pinned").GetBoolean()));
        Assert.Equal((work, true), (organised[mine].GetProperty("folderId").GetString(), organised[mine].GetProperty("pinned").GetBoolean()));
    }

    [Fact]
    public async Task Another_users_export_gets_folders_of_its_own_and_never_touches_the_first_users()
    {
        await using var server = await AccountsServer.StartAsync();
        using var alice = server.ClientWithKey(await server.CreateKeyAsync("alice"));
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        var secret = await CreateAsync(alice, "/api/folders", new { name = "Secret" });
        var chat = await CreateAsync(alice, "/api/conversations", new { title = "Alice's" });
        (await alice.PatchAsJsonAsync($"/api/conversations/{chat}", new { folderId = secret })).EnsureSuccessStatusCode();
        var alicesExport = await alice.GetStringAsync("/api/export");

        var response = await PostJsonAsync(bob, alicesExport);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bobsFolder = Assert.Single((await bob.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray());
        Assert.Equal("Secret", bobsFolder.GetProperty("name").GetString());
        Assert.NotEqual(secret, bobsFolder.GetProperty("id").GetString());
        var bobsChat = Assert.Single((await bob.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items").EnumerateArray());
        Assert.NotEqual(chat, bobsChat.GetProperty("id").GetString());
        Assert.Equal(bobsFolder.GetProperty("id").GetString(), bobsChat.GetProperty("folderId").GetString());
        // Alice's folder and conversation are as they were.
        Assert.Equal([(secret, "Secret")], (await alice.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray()
            .Select(f => (f.GetProperty("id").GetString(), f.GetProperty("name").GetString())));
        Assert.Equal(secret, (await alice.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items")[0].GetProperty("folderId").GetString());
    }

    [Fact]
    public async Task An_export_written_before_folders_still_imports()
    {
        const string old = """
            {"format":"parley.export","version":1,"conversations":[
              {"id":"c_old1","title":"Before pins","hasTitle":true,"createdAt":"2025-06-01T10:00:00Z","updatedAt":"2025-06-01T10:00:00Z",
               "messages":[{"id":"m_old1","role":"user","parts":[{"type":"text","text":"hello"}],"status":"complete","createdAt":"2025-06-01T10:00:00Z"}],"blobs":[]},
              {"id":"c_old2","title":"Pinned","hasTitle":true,"pinned":true,"createdAt":"2025-06-01T10:00:00Z","updatedAt":"2025-06-01T11:00:00Z","messages":[]}]}
            """;

        var response = await PostJsonAsync(Client, old);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        Assert.Empty(result.GetProperty("folders").EnumerateArray());
        var stored = await Client.GetFromJsonAsync<JsonElement>("/api/conversations/c_old1");
        Assert.Equal("hello", stored.GetProperty("messages")[0].GetProperty("text").GetString());
        var organised = (await Client.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items");
        Assert.Equal(["c_old2"], organised.EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, organised[0].GetProperty("folderId").ValueKind);
        Assert.Empty((await Client.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray());
    }

    [Theory]
    [InlineData("""{"folders":{"id":"f_1"}}""", "import_invalid_field", "$.folders")]
    [InlineData("""{"folders":[{"id":"f 1","name":"Work"}]}""", "import_invalid_field", "$.folders[0].id")]
    [InlineData("""{"folders":[{"id":"f_1","name":"   "}]}""", "import_invalid_field", "$.folders[0].name")]
    [InlineData("""{"folders":[{"id":"f_1","name":"Two\nlines"}]}""", "import_invalid_field", "$.folders[0].name")]
    [InlineData("""{"folders":[{"id":"f_1","name":"Work","createdAt":"yesterday"}]}""", "import_invalid_field", "$.folders[0].createdAt")]
    [InlineData("""{"folders":[{"id":"f_1","name":"A"},{"id":"f_1","name":"B"}]}""", "import_duplicate_id", "$.folders[1].id")]
    [InlineData("""{"folders":[{"id":"f_1","name":"Work"}],"conversation0":{"folderId":"f_2"}}""", "import_invalid_field", "$.conversations[0].folderId")]
    [InlineData("""{"conversation0":{"folderId":7}}""", "import_invalid_field", "$.conversations[0].folderId")]
    public async Task Bad_folders_get_400_naming_the_field_and_nothing_is_stored(string parts, string code, string path)
    {
        var existing = await CreateAsync(Client, "/api/folders", new { name = "Existing" });
        var overrides = JsonNode.Parse(parts)!.AsObject();
        var conversation = JsonNode.Parse("""
            {"id":"c_bad","title":"Bad","createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z","messages":[]}
            """)!.AsObject();
        if (overrides["conversation0"] is JsonObject changes)
        {
            foreach (var (name, value) in changes)
                conversation[name] = value?.DeepClone();
        }
        var file = new JsonObject { ["format"] = "parley.export", ["version"] = 1, ["conversations"] = new JsonArray(conversation) };
        if (overrides["folders"] is { } folders)
            file["folders"] = folders.DeepClone();

        var response = await PostJsonAsync(Client, file.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(path, problem.GetProperty("path").GetString());
        Assert.Contains(path, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([existing], (await Client.GetFromJsonAsync<JsonElement>("/api/folders")).EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/conversations/c_bad")).StatusCode);
    }

    private static async Task<string> CreateAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string json) =>
        client.PostAsync("/api/import", new StringContent(json, Encoding.UTF8, "application/json"));
}
