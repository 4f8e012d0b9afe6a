using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class ConversationsApiTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Send_streams_the_reply_in_order_and_stores_both_messages()
    {
        var id = await _server.CreateConversationAsync();

        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "hello brave new world" });

        Assert.Equal(["user_message", "assistant_start", "text", "text", "text", "text", "usage", "title", "assistant_end"], stream.Types);
        Assert.True(stream.SawDone);
        Assert.Equal("hello brave new world", stream.Text);
        var stored = await GetAsync(id);
        Assert.Equal("hello brave new world", stored.GetProperty("title").GetString());
        var messages = stored.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("complete", messages[1].GetProperty("status").GetString());
        Assert.Equal("mock/echo", messages[1].GetProperty("model").GetString());
        Assert.Equal(messages[0].GetProperty("id").GetString(), messages[1].GetProperty("parentId").GetString());
        Assert.True(stored.GetProperty("usage").GetProperty("totalTokens").GetInt64() > 0);
    }

    [Fact]
    public async Task Crud_lists_newest_first_renames_and_deletes()
    {
        var first = await _server.CreateConversationAsync(new { title = "First" });
        var second = await _server.CreateConversationAsync(new { title = "Second", systemPrompt = "Be brief.", temperature = 0.2 });
        await Sse.PostAsync(Client, $"/api/conversations/{first}/messages", new { content = "bump first to the top" });

        var list = await Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        Assert.Equal([first, second], list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));

        var patched = await Client.PatchAsJsonAsync($"/api/conversations/{first}", new { title = "Renamed first" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var patchedBody = await patched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(patchedBody.TryGetProperty("messages", out _));
        Assert.Equal(2, patchedBody.GetProperty("messageCount").GetInt32());
        Assert.True(patchedBody.GetProperty("usage").GetProperty("totalTokens").GetInt64() > 0);
        Assert.Equal((await GetAsync(first)).GetProperty("updatedAt").GetDateTimeOffset(), patchedBody.GetProperty("updatedAt").GetDateTimeOffset());

        patched = await Client.PatchAsJsonAsync($"/api/conversations/{second}", new { title = "Renamed", temperature = (double?)null, model = "mock/markdown" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var second2 = await GetAsync(second);
        Assert.Equal("Renamed", second2.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, second2.GetProperty("temperature").ValueKind);
        Assert.Equal("Be brief.", second2.GetProperty("systemPrompt").GetString());
        Assert.Equal("mock/markdown", second2.GetProperty("model").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/conversations/{second}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/conversations/{second}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync($"/api/conversations/{second}")).StatusCode);
    }

    [Fact]
    public async Task List_pages_with_a_cursor_and_searches_titles_and_content()
    {
        for (var i = 0; i < 5; i++)
            await _server.CreateConversationAsync(new { title = $"Chat {i}" });
        var withText = await _server.CreateConversationAsync();
        await Sse.PostAsync(Client, $"/api/conversations/{withText}/messages", new { content = "tell me about zebras please" });

        var page1 = await Client.GetFromJsonAsync<JsonElement>("/api/conversations?limit=4");
        var cursor = page1.GetProperty("nextCursor").GetString();
        var page2 = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations?limit=4&cursor={cursor}");
        var ids = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(6, ids.Distinct().Count());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextCursor").ValueKind);

        var found = await Client.GetFromJsonAsync<JsonElement>("/api/conversations?q=ZEBRA");
        var hit = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.Equal(withText, hit.GetProperty("id").GetString());
        Assert.Contains("zebras", hit.GetProperty("snippet").GetString());

        var bad = await Client.GetAsync("/api/conversations?cursor=not-a-cursor!!");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Edit_creates_a_sibling_branch_and_keeps_the_original()
    {
        var id = await _server.CreateConversationAsync();
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "one" });
        var two = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "two" });
        var twoUser = two.OfType("user_message").Single().GetProperty("message");

        var edited = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages",
            new { content = "two, edited", parentId = twoUser.GetProperty("parentId").GetString() });

        var editedUser = edited.OfType("user_message").Single().GetProperty("message");
        Assert.Equal(twoUser.GetProperty("parentId").GetString(), editedUser.GetProperty("parentId").GetString());
        var messages = (await GetAsync(id)).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(6, messages.Count);
        Assert.Contains(messages, m => m.GetProperty("text").GetString() == "two");
        Assert.Equal("two, edited", edited.Text);
    }

    [Fact]
    public async Task Edit_of_the_first_message_uses_a_null_parent()
    {
        var id = await _server.CreateConversationAsync();
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "original" });
        var edited = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "rewritten", parentId = (string?)null });
        Assert.Equal(JsonValueKind.Null, edited.OfType("user_message").Single().GetProperty("message").GetProperty("parentId").ValueKind);
        Assert.Equal(2, (await GetAsync(id)).GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("parentId").ValueKind == JsonValueKind.Null));
    }

    [Fact]
    public async Task Regenerate_adds_a_sibling_reply_with_the_requested_model()
    {
        var id = await _server.CreateConversationAsync();
        var first = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "hello" });
        var reply = first.OfType("assistant_end").Single().GetProperty("message");

        var again = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages/{reply.GetProperty("id").GetString()}/regenerate", new { model = "mock/markdown" });

        Assert.Empty(again.OfType("user_message"));
        var newReply = again.OfType("assistant_end").Single().GetProperty("message");
        Assert.Equal(reply.GetProperty("parentId").GetString(), newReply.GetProperty("parentId").GetString());
        Assert.Equal("mock/markdown", newReply.GetProperty("model").GetString());
        Assert.Contains("```python", again.Text);
        Assert.Equal(3, (await GetAsync(id)).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Provider_failure_keeps_the_user_message_and_the_partial_reply()
    {
        var id = await _server.CreateConversationAsync();
        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "alpha beta gamma delta [[mock:fail-after 2]]" });

        var error = stream.OfType("error").Single();
        Assert.Equal("provider_unavailable", error.GetProperty("code").GetString());
        Assert.Equal("alpha beta", stream.Text);
        var messages = (await GetAsync(id)).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("alpha beta gamma delta [[mock:fail-after 2]]", messages[0].GetProperty("text").GetString());
        Assert.Equal("error", messages[1].GetProperty("status").GetString());
        Assert.Equal("alpha beta", messages[1].GetProperty("text").GetString());
        Assert.Equal("provider_unavailable", messages[1].GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Explicit_cancel_stops_the_reply_and_keeps_what_was_generated()
    {
        var id = await _server.CreateConversationAsync();
        var words = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"w{i}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages")
        {
            Content = JsonContent.Create(new { content = words + " [[mock:tps 20]]" }),
        };
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        var texts = 0;
        while (texts < 3 && await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: {\"type\":\"text\"", StringComparison.Ordinal))
                texts++;
        }

        var cancel = await Client.PostAsync($"/api/conversations/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\"type\":\"assistant_end\"", rest);

        var reply = (await GetAsync(id)).GetProperty("messages")[1];
        Assert.Equal("incomplete", reply.GetProperty("status").GetString());
        var text = reply.GetProperty("text").GetString()!;
        Assert.StartsWith("w0 w1 w2", text);
        Assert.True(text.Length < words.Length);
    }

    [Fact]
    public async Task Client_disconnect_leaves_the_reply_running_to_the_end()
    {
        var id = await _server.CreateConversationAsync();
        var words = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"w{i}"));
        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages")
            {
                Content = JsonContent.Create(new { content = words + " [[mock:tps 100]]" }),
            };
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            while (await reader.ReadLineAsync(cts.Token) is { } line && !line.StartsWith("data: {\"type\":\"text\"", StringComparison.Ordinal))
            {
            }
            await cts.CancelAsync();
        }

        var reply = await WaitForAsync(async () =>
        {
            var messages = (await GetAsync(id)).GetProperty("messages");
            return messages.GetArrayLength() == 2 && messages[1].GetProperty("status").GetString() != "streaming" ? messages[1] : (JsonElement?)null;
        });
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.Equal(words, reply.GetProperty("text").GetString());

        // The conversation is free again: a new message is accepted.
        var next = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "still here" });
        Assert.Equal("still here", next.Text);
    }

    [Fact]
    public async Task The_selected_branch_is_saved_with_the_conversation_without_moving_it_in_the_list()
    {
        var id = await _server.CreateConversationAsync();
        var first = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "version A" });
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "version B", parentId = (string?)null });
        var replyA = first.OfType("assistant_end").Single().GetProperty("message").GetProperty("id").GetString();
        var before = (await GetAsync(id)).GetProperty("updatedAt").GetDateTimeOffset();

        var patched = await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { selectedLeafId = replyA });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var conversation = await GetAsync(id);
        Assert.Equal(replyA, conversation.GetProperty("selectedLeafId").GetString());
        Assert.Equal(before, conversation.GetProperty("updatedAt").GetDateTimeOffset());

        var unknown = await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { selectedLeafId = "m_nope" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("selectedLeafId", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { selectedLeafId = (string?)null })).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await GetAsync(id)).GetProperty("selectedLeafId").ValueKind);
    }

    [Fact]
    public async Task Clear_removes_messages_but_keeps_settings()
    {
        var id = await _server.CreateConversationAsync(new { systemPrompt = "Stay." });
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "hi" });
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/conversations/{id}/messages")).StatusCode);
        var conversation = await GetAsync(id);
        Assert.Equal(0, conversation.GetProperty("messages").GetArrayLength());
        Assert.Equal("Stay.", conversation.GetProperty("systemPrompt").GetString());
    }

    [Fact]
    public async Task Images_are_stored_and_served_back()
    {
        var id = await _server.CreateConversationAsync();
        var png = TestImages.PngDataUrl;
        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "what is this", images = new[] { png } });

        Assert.Equal("what is this (1 image received)", stream.Text);
        var user = stream.OfType("user_message").Single().GetProperty("message");
        var image = user.GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "image");
        var served = await Client.GetAsync(image.GetProperty("url").GetString());
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TestImages.Png, await served.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("{\"content\": \"hi\"", "invalid_json", 400)]
    [InlineData("{\"content\": \"   \"}", "empty_message", 400)]
    [InlineData("{\"content\": \"hi\", \"model\": \"nope/never\"}", "model_not_found", 404)]
    [InlineData("{\"content\": \"hi\", \"images\": [\"data:image/png;base64,!!!\"]}", "invalid_image", 400)]
    [InlineData("{\"content\": \"hi\", \"images\": [\"data:image/png;base64,aGVsbG8=\"]}", "invalid_image", 400)]
    [InlineData("{\"content\": \"hi\", \"parentId\": \"m_missing\"}", "message_not_found", 404)]
    public async Task Bad_input_gets_a_clear_error_and_stores_nothing(string body, string code, int status)
    {
        var id = await _server.CreateConversationAsync();
        var response = await Client.PostAsync($"/api/conversations/{id}/messages", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(0, (await GetAsync(id)).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Images_for_a_model_that_cannot_see_are_refused_before_storing()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Providers:mock:Kind"] = "mock",
            ["Parley:Providers:mock:VisionModels:0"] = "markdown",
        });
        var id = await server.CreateConversationAsync(new { model = "mock/echo" });
        var response = await server.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "see", images = new[] { TestImages.PngDataUrl } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cannot read images", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(0, (await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_conversation_is_404_on_every_endpoint()
    {
        const string missing = "c_doesnotexist";
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/conversations/{missing}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PatchAsJsonAsync($"/api/conversations/{missing}", new { title = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsJsonAsync($"/api/conversations/{missing}/messages", new { content = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsync($"/api/conversations/{missing}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.DeleteAsync($"/api/conversations/{missing}/messages")).StatusCode);
    }

    [Fact]
    public async Task Invalid_settings_are_refused()
    {
        var response = await Client.PostAsJsonAsync("/api/conversations", new { temperature = 7 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var id = await _server.CreateConversationAsync();
        var patch = await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "" });
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        var model = await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { model = "ghost/model" });
        Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
    }

    private async Task<JsonElement> GetAsync(string id) => await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");

    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement?>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
                return found;
            await Task.Delay(50);
        }
        throw new TimeoutException("The condition was not met within 10 s.");
    }
}
