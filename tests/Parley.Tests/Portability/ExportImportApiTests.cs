using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Parley.Storage;
using Parley.Tests.Support;

namespace Parley.Tests.Portability;

public sealed class ExportImportApiTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    private HttpClient Client => _server.Client;

    private IConversationStore Store => _server.Services.GetRequiredService<IConversationStore>();

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Export_import_export_into_an_empty_server_is_byte_identical_with_branches_tool_calls_and_images()
    {
        var chatted = await _server.CreateConversationAsync(new { title = "Chatted" });
        var first = await Sse.PostAsync(Client, $"/api/conversations/{chatted}/messages", new { content = "describe this", images = new[] { TestImages.PngDataUrl } });
        Assert.True(first.SawDone);
        var stored = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{chatted}");
        var reply = stored.GetProperty("messages")[1].GetProperty("id").GetString();
        Assert.True((await Sse.PostAsync(Client, $"/api/conversations/{chatted}/messages/{reply}/regenerate", new { model = "mock/markdown" })).SawDone);
        var seeded = await PortabilitySamples.SeedRichConversationAsync(Store, "local");
        (await Client.PatchAsJsonAsync($"/api/conversations/{chatted}", new { pinned = true })).EnsureSuccessStatusCode();

        var exported = await Client.GetByteArrayAsync("/api/export?format=json");
        var document = JsonDocument.Parse(exported).RootElement;
        Assert.Equal("parley.export", document.GetProperty("format").GetString());
        Assert.Equal(1, document.GetProperty("version").GetInt32());
        var conversations = document.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(2, conversations.Count);
        var rich = conversations.Single(c => c.GetProperty("id").GetString() == seeded);
        Assert.Equal(7, rich.GetProperty("messages").GetArrayLength());
        Assert.Contains(rich.GetProperty("messages").EnumerateArray().SelectMany(m => m.GetProperty("parts").EnumerateArray()),
            p => p.GetProperty("type").GetString() == "tool_call" && p.GetProperty("arguments").GetString() == """{"zone":"UTC"}""");
        Assert.Equal(TestImages.Png, Convert.FromBase64String(rich.GetProperty("blobs")[0].GetProperty("data").GetString()!));
        var chattedExport = conversations.Single(c => c.GetProperty("id").GetString() == chatted);
        Assert.Equal(3, chattedExport.GetProperty("messages").GetArrayLength());
        Assert.Equal(1, chattedExport.GetProperty("blobs").GetArrayLength());
        Assert.True(chattedExport.GetProperty("pinned").GetBoolean());
        Assert.False(rich.GetProperty("pinned").GetBoolean());

        await using var empty = await ParleyTestServer.StartAsync();
        var imported = await empty.Client.PostAsync("/api/import", new ByteArrayContent(exported) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var result = await imported.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("parley", result.GetProperty("format").GetString());
        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        Assert.All(result.GetProperty("conversations").EnumerateArray(), c => Assert.False(c.GetProperty("newIds").GetBoolean()));

        var pinned = (await empty.Client.GetFromJsonAsync<JsonElement>("/api/conversations?organised=true")).GetProperty("items");
        Assert.Equal([chatted], pinned.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var again = await empty.Client.GetByteArrayAsync("/api/export?format=json");
        Assert.Equal(Encoding.UTF8.GetString(exported), Encoding.UTF8.GetString(again));
        var image = rich.GetProperty("blobs")[0].GetProperty("id").GetString();
        Assert.Equal(TestImages.Png, await empty.Client.GetByteArrayAsync($"/api/conversations/{seeded}/images/{image}"));
        var one = await Client.GetByteArrayAsync($"/api/conversations/{seeded}/export");
        Assert.Equal(one, await empty.Client.GetByteArrayAsync($"/api/conversations/{seeded}/export"));
    }

    [Fact]
    public async Task Importing_ids_that_already_exist_adds_a_copy_under_new_ids_or_fails_with_409_when_asked()
    {
        var seeded = await PortabilitySamples.SeedRichConversationAsync(Store, "local");
        var exported = await Client.GetStringAsync($"/api/conversations/{seeded}/export");

        var refused = await PostJsonAsync("/api/import?onConflict=fail", exported);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("import_conflict", problem.GetProperty("code").GetString());
        Assert.Equal([seeded], problem.GetProperty("ids").EnumerateArray().Select(i => i.GetString()));
        Assert.Single((await Store.ListConversationsAsync("local", new())).Items);

        var copied = await PostJsonAsync("/api/import", exported);
        Assert.Equal(HttpStatusCode.OK, copied.StatusCode);
        var entry = (await copied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversations")[0];
        Assert.True(entry.GetProperty("newIds").GetBoolean());
        Assert.Equal(seeded, entry.GetProperty("sourceId").GetString());
        var copyId = entry.GetProperty("id").GetString()!;
        Assert.NotEqual(seeded, copyId);

        var original = JsonNode.Parse(exported)!["conversations"]![0]!;
        var copy = JsonNode.Parse(await Client.GetStringAsync($"/api/conversations/{copyId}/export"))!["conversations"]![0]!;
        var oldIds = original["messages"]!.AsArray().Select(m => (string)m!["id"]!).ToHashSet();
        Assert.DoesNotContain(copy["messages"]!.AsArray(), m => oldIds.Contains((string)m!["id"]!));
        var copyImage = (string)copy["blobs"]![0]!["id"]!;
        Assert.NotEqual((string)original["blobs"]![0]!["id"]!, copyImage);
        Assert.Contains(copy["messages"]!.AsArray().SelectMany(m => m!["parts"]!.AsArray()), p => (string?)p!["imageId"] == copyImage);
        Assert.Equal(TestImages.Png, await Client.GetByteArrayAsync($"/api/conversations/{copyId}/images/{copyImage}"));
        Assert.Equal(Normalize(original), Normalize(copy));
        Assert.Equal(2, (await Store.ListConversationsAsync("local", new())).Items.Count);
    }

    [Fact]
    public async Task Markdown_export_shows_the_active_branch_and_notes_the_others()
    {
        var seeded = await PortabilitySamples.SeedRichConversationAsync(Store, "local");

        var response = await Client.GetAsync($"/api/conversations/{seeded}/export?format=markdown");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType!.MediaType);
        var markdown = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("# Tools and branches\n", markdown.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("## System prompt", markdown, StringComparison.Ordinal);
        Assert.Contains("Edited question", markdown, StringComparison.Ordinal);
        Assert.Contains("## Assistant (mock/echo)", markdown, StringComparison.Ordinal);
        Assert.Contains("Edited answer", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("It is noon.", markdown, StringComparison.Ordinal);
        Assert.Contains("2 other branches", markdown, StringComparison.Ordinal);

        var all = await Client.GetStringAsync("/api/export?format=markdown");
        Assert.Contains("# Tools and branches", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatGpt_conversations_json_imports_every_branch_with_the_current_node_path_active()
    {
        var response = await UploadAsync("/api/import", PortabilitySamples.ChatGptExport().ToJsonString(), "conversations.json");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("chatgpt", result.GetProperty("format").GetString());
        var entry = result.GetProperty("conversations")[0];
        Assert.Equal("6f1c1d2e-0000-4000-8000-000000000001", entry.GetProperty("sourceId").GetString());
        Assert.Equal(5, entry.GetProperty("messages").GetInt32());

        var id = entry.GetProperty("id").GetString()!;
        var conversation = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal("Squares", conversation.GetProperty("title").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), conversation.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_050_250), conversation.GetProperty("updatedAt").GetDateTimeOffset());
        var messages = conversation.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "assistant", "tool", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        var user = messages[0];
        Assert.Equal(JsonValueKind.Null, user.GetProperty("parentId").ValueKind);
        Assert.Contains("Plot the squares of 1 to 3", user.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("file-service://file-abc", user.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("First attempt", messages[1].GetProperty("text").GetString());
        Assert.Equal(user.GetProperty("id").GetString(), messages[1].GetProperty("parentId").GetString());
        Assert.Equal(user.GetProperty("id").GetString(), messages[2].GetProperty("parentId").GetString());
        Assert.Equal("chatgpt/gpt-4o", messages[2].GetProperty("model").GetString());
        var call = messages[2].GetProperty("content")[0];
        Assert.Equal("tool_call", call.GetProperty("type").GetString());
        Assert.Equal("python", call.GetProperty("name").GetString());
        var toolResult = messages[3].GetProperty("content")[0];
        Assert.Equal("tool_result", toolResult.GetProperty("type").GetString());
        Assert.Equal(call.GetProperty("callId").GetString(), toolResult.GetProperty("callId").GetString());
        Assert.Equal("[1, 4, 9]", toolResult.GetProperty("result").GetString());
        Assert.Equal("The squares are 1, 4 and 9.", messages[4].GetProperty("text").GetString());
        Assert.Equal(messages[3].GetProperty("id").GetString(), messages[4].GetProperty("parentId").GetString());

        var markdown = await Client.GetStringAsync($"/api/conversations/{id}/export?format=markdown");
        Assert.Contains("The squares are 1, 4 and 9.", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("First attempt", markdown, StringComparison.Ordinal);
        Assert.Contains("1 other branch", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "import_invalid_json", "$")]
    [InlineData("""{"hello":"world"}""", "import_unknown_format", "$")]
    [InlineData("""{"format":"parley.export","version":7,"conversations":[]}""", "import_unsupported_version", "$.version")]
    [InlineData("""[{"title":"no mapping"}]""", "import_unknown_format", "$[0]")]
    [InlineData("""[{"title":"x","mapping":{"n1":{"parent":null,"children":[],"message":{"author":{"role":"wizard"},"content":{"content_type":"text","parts":["hi"]}}}}}]""",
        "import_invalid_field", "$[0].mapping[\"n1\"].message.author.role")]
    [InlineData("""[{"title":"x","mapping":{"n1":{"parent":null,"children":[5],"message":null}}}]""", "import_invalid_field", "$[0].mapping[\"n1\"].children[0]")]
    public async Task Malformed_files_get_400_with_a_code_and_the_path_of_the_bad_field(string body, string code, string path)
    {
        var response = await PostJsonAsync("/api/import", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(path, problem.GetProperty("path").GetString());
        Assert.Empty((await Store.ListConversationsAsync("local", new())).Items);
    }

    [Fact]
    public async Task A_file_whose_third_conversation_is_invalid_changes_nothing_and_names_the_field()
    {
        var existing = await PortabilitySamples.SeedRichConversationAsync(Store, "local", "Already here");
        var before = await Client.GetByteArrayAsync("/api/export");
        var file = JsonNode.Parse(before)!.AsObject();
        var template = file["conversations"]![0]!.ToJsonString();
        var conversations = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            var copy = JsonNode.Parse(template)!.AsObject();
            var suffix = $"_{i}";
            copy["id"] = $"c_import{i}";
            foreach (var message in copy["messages"]!.AsArray())
            {
                message!["id"] = (string)message["id"]! + suffix;
                if (message["parentId"] is { } parent)
                    message["parentId"] = (string)parent! + suffix;
            }
            foreach (var blob in copy["blobs"]!.AsArray())
                blob!["id"] = (string)blob["id"]! + suffix;
            foreach (var part in copy["messages"]!.AsArray().SelectMany(m => m!["parts"]!.AsArray()))
            {
                if (part!["imageId"] is { } image)
                    part["imageId"] = (string)image! + suffix;
            }
            conversations.Add(copy);
        }
        conversations[2]!["messages"]![1]!["role"] = "narrator";
        file["conversations"] = conversations;

        var response = await PostJsonAsync("/api/import", file.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("import_invalid_field", problem.GetProperty("code").GetString());
        Assert.Equal("$.conversations[2].messages[1].role", problem.GetProperty("path").GetString());
        Assert.Equal(before, await Client.GetByteArrayAsync("/api/export"));
        Assert.Null(await Store.GetConversationAsync("local", "c_import0"));
        Assert.Equal([existing], (await Store.ListConversationsAsync("local", new())).Items.Select(i => i.Conversation.Id));

        conversations[2]!["messages"]![1]!["role"] = "assistant";
        conversations[2]!["messages"]![2]!["id"] = (string)conversations[0]!["messages"]![0]!["id"]!;
        var duplicate = await PostJsonAsync("/api/import", file.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        var duplicateProblem = await duplicate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("import_duplicate_id", duplicateProblem.GetProperty("code").GetString());
        Assert.Equal("$.conversations[2].messages[2].id", duplicateProblem.GetProperty("path").GetString());
        Assert.Equal(before, await Client.GetByteArrayAsync("/api/export"));
    }

    [Fact]
    public async Task One_owner_cannot_export_another_owners_conversation_and_import_never_touches_it()
    {
        var bobs = await PortabilitySamples.SeedRichConversationAsync(Store, "bob", "Bob's secret");

        var one = await Client.GetAsync($"/api/conversations/{bobs}/export");
        Assert.Equal(HttpStatusCode.NotFound, one.StatusCode);
        Assert.Equal("conversation_not_found", (await one.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var markdown = await Client.GetAsync($"/api/conversations/{bobs}/export?format=markdown");
        Assert.Equal(HttpStatusCode.NotFound, markdown.StatusCode);
        var all = await Client.GetStringAsync("/api/export");
        Assert.DoesNotContain(bobs, all, StringComparison.Ordinal);
        Assert.DoesNotContain("Bob's secret", all, StringComparison.Ordinal);

        var exporter = _server.Services.GetRequiredService<Parley.Portability.ConversationExporter>();
        var bobsExport = (await exporter.ExportAsync("bob", bobs, CancellationToken.None))!.Value.Export;
        var file = JsonSerializer.Serialize(new Parley.Portability.ParleyExport("parley.export", 1, [bobsExport with { Title = "Mine now" }]),
            Parley.Portability.ExportJson.Options);
        var response = await PostJsonAsync("/api/import?onConflict=fail", file);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversations")[0];
        Assert.NotEqual(bobs, entry.GetProperty("id").GetString());
        Assert.Equal("Bob's secret", (await Store.GetConversationAsync("bob", bobs))!.Title);
        Assert.Equal(7, (await Store.GetMessagesAsync(bobs)).Count);
        Assert.Equal(7, (await Store.GetMessagesAsync(entry.GetProperty("id").GetString()!)).Count);

        // A fresh conversation id whose message and blob ids are Bob's: copied under new ids, Bob's rows untouched.
        var crafted = JsonSerializer.Serialize(new Parley.Portability.ParleyExport("parley.export", 1, [bobsExport with { Id = "c_crafted", Title = "Crafted" }]),
            Parley.Portability.ExportJson.Options);
        var craftedResponse = await PostJsonAsync("/api/import", crafted);
        Assert.Equal(HttpStatusCode.OK, craftedResponse.StatusCode);
        var craftedEntry = (await craftedResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversations")[0];
        Assert.True(craftedEntry.GetProperty("newIds").GetBoolean());
        Assert.Null(await Store.GetConversationAsync("local", "c_crafted"));
        var bobsMessages = await Store.GetMessagesAsync(bobs);
        Assert.Equal(bobsExport.Messages.Select(m => m.Id), bobsMessages.Select(m => m.Id));
        Assert.Equal(TestImages.Png, (await Store.GetImageAsync(bobs, bobsExport.Blobs[0].Id))!.Data);
        Assert.Equal(2, (await Store.ListConversationsAsync("local", new())).Items.Count);
    }

    [Fact]
    public async Task Files_over_the_size_limit_get_413()
    {
        await using var small = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Import:MaxBytes"] = "2048" });
        var big = JsonSerializer.Serialize(new { format = "parley.export", version = 1, conversations = Array.Empty<object>(), padding = new string('x', 4096) });

        var body = await small.Client.PostAsync("/api/import", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, body.StatusCode);
        Assert.Equal("import_too_large", (await body.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        using var form = new MultipartFormDataContent { { new StringContent(big), "file", "big.json" } };
        var upload = await small.Client.PostAsync("/api/import", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, upload.StatusCode);
        Assert.Equal("import_too_large", (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<HttpResponseMessage> UploadAsync(string path, string json, string fileName)
    {
        using var form = new MultipartFormDataContent { { new StringContent(json, Encoding.UTF8, "application/json"), "file", fileName } };
        return await Client.PostAsync(path, form);
    }

    /// <summary>A conversation's export with its ids taken out, to compare a copy with its original.</summary>
    private static string Normalize(JsonNode conversation)
    {
        var clone = JsonNode.Parse(conversation.ToJsonString())!.AsObject();
        clone.Remove("id");
        foreach (var m in clone["messages"]!.AsArray())
        {
            m!.AsObject().Remove("id");
            m.AsObject().Remove("parentId");
            foreach (var p in m["parts"]!.AsArray())
                p!.AsObject().Remove("imageId");
        }
        foreach (var b in clone["blobs"]!.AsArray())
            b!.AsObject().Remove("id");
        return clone.ToJsonString();
    }
}
