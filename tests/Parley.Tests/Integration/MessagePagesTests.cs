using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// <c>GET /api/conversations/{id}/messages</c> through the real server: a 10,001-message conversation (imported) whose
/// newest reply has two versions, served as pages of its active branch resolved on the server.
/// </summary>
public sealed class MessagePagesTests : IAsyncLifetime
{
    private const int Count = 10_000;
    private ParleyTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Id(int i) => $"m_page{i:D5}";

    /// <summary>m0…m9999 alternate user/assistant (about 300 characters each); m10000 is a newer version of m9999.</summary>
    private async Task<string> ImportLongConversationAsync()
    {
        var t0 = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var messages = new StringBuilder();
        for (var i = 0; i <= Count; i++)
        {
            var parent = i == 0 ? null : i == Count ? Id(Count - 2) : Id(i - 1);
            var role = i % 2 == 0 ? "user" : "assistant";
            var text = $"message {i}: " + string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet ", 11));
            messages.Append(i == 0 ? "" : ",").Append(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["id"] = Id(i), ["parentId"] = parent, ["role"] = role, ["parts"] = new[] { new { type = "text", text } },
                ["status"] = "complete", ["createdAt"] = t0.AddSeconds(i),
            }));
        }
        var body = $$"""{"format":"parley.export","version":1,"conversations":[{"id":"c_pages","title":"Long","hasTitle":true,"createdAt":"2026-11-01T00:00:00Z","updatedAt":"2026-11-01T03:00:00Z","messages":[{{messages}}],"blobs":[]}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await Client.PostAsync("/api/import", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var imported = await response.Content.ReadFromJsonAsync<JsonElement>();
        return imported.GetProperty("conversations")[0].GetProperty("id").GetString()!;
    }

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];

    [Fact(Timeout = 120_000)]
    public async Task A_long_conversation_comes_newest_turns_first_in_small_pages_with_its_branch_resolved_on_the_server()
    {
        var id = await ImportLongConversationAsync();
        var path = Enumerable.Range(0, Count - 1).Select(Id).Append(Id(Count)).ToList(); // the newest branch skips m9999

        var clock = Stopwatch.StartNew();
        var response = await Client.GetAsync($"/api/conversations/{id}/messages?limit=50");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        clock.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(bytes.Length < 100 * 1024, $"first page is {bytes.Length:N0} bytes");
        Console.WriteLine($"first page of {Count + 1} messages: {bytes.Length:N0} bytes in {clock.ElapsedMilliseconds} ms");
        var first = JsonDocument.Parse(bytes).RootElement;
        Assert.False(first.GetProperty("complete").GetBoolean());
        Assert.Equal(Id(Count), first.GetProperty("leafId").GetString());
        Assert.Equal(Count + 1, first.GetProperty("conversation").GetProperty("messageCount").GetInt32());
        var ids = Ids(first);
        // 50 branch messages ending at the leaf (starting at a user message), then the other version of the newest reply.
        Assert.Equal([.. path.TakeLast(50), Id(Count - 1)], ids);
        Assert.Equal(path[^50], first.GetProperty("olderCursor").GetString());
        // The branch before the page, totalled on the server: the header shows the whole branch while 50 are loaded.
        var older = first.GetProperty("older");
        Assert.Equal(path.Count - 50, older.GetProperty("messages").GetInt32());
        var olderText = path.SkipLast(50).Select(m => int.Parse(m["m_page".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Sum(i => (long)(($"message {i}: ".Length + 11 * "lorem ipsum dolor sit amet ".Length + 3) / 4));
        Assert.Equal(olderText, older.GetProperty("tokens").GetInt64());

        // Walking the cursor back covers the branch once, oldest page last, without the conversation header.
        var seen = new List<string>(ids.Take(50));
        var cursor = first.GetProperty("olderCursor").GetString();
        for (var pages = 0; cursor is not null && pages < 300; pages++)
        {
            var olderPage = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}/messages?limit=500&before={cursor}");
            Assert.False(olderPage.TryGetProperty("conversation", out _));
            var olderIds = Ids(olderPage);
            Assert.Equal("user", olderPage.GetProperty("messages")[0].GetProperty("role").GetString());
            seen.InsertRange(0, olderIds);
            cursor = olderPage.GetProperty("olderCursor").ValueKind == JsonValueKind.Null ? null : olderPage.GetProperty("olderCursor").GetString();
            Assert.Equal(path.Count - seen.Count, olderPage.GetProperty("older").GetProperty("messages").GetInt32());
        }
        Assert.Equal(path, seen);

        // A version asked for by the reader, then the branch saved with the conversation, decide the leaf.
        var switched = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}/messages?limit=10&leaf={Id(Count - 1)}");
        Assert.Equal(Id(Count - 1), switched.GetProperty("leafId").GetString());
        Assert.Equal([.. Enumerable.Range(Count - 10, 10).Select(Id), Id(Count)], Ids(switched));
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { selectedLeafId = Id(Count - 1) })).StatusCode);
        var saved = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}/messages?limit=10");
        Assert.Equal(Id(Count - 1), saved.GetProperty("leafId").GetString());
        // A saved choice further up shows the newest leaf under it.
        var under = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}/messages?limit=10&leaf={Id(Count - 2)}");
        Assert.Equal(Id(Count), under.GetProperty("leafId").GetString());

        // The whole conversation is still served for existing clients (export, scripts).
        var whole = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        Assert.Equal(Count + 1, whole.GetProperty("messages").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task The_first_page_totals_the_branch_before_it_with_replies_counted_by_their_own_tokens()
    {
        var id = await _server.CreateConversationAsync();
        foreach (var text in new[] { "first question here", "second question", "third" })
            await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = text });
        var whole = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var messages = whole.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(6, messages.Count);

        var page = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}/messages?limit=2");
        Assert.Equal(2, Ids(page).Count);
        var older = page.GetProperty("older");
        Assert.Equal(4, older.GetProperty("messages").GetInt32());
        // Users' text at four characters a token, replies by their completion tokens: not every call's prompt again.
        var expected = messages.Take(4).Sum(m => m.GetProperty("role").GetString() == "assistant"
            ? m.GetProperty("usage").GetProperty("completionTokens").GetInt64()
            : (m.GetProperty("text").GetString()!.Length + 3) / 4);
        Assert.Equal(expected, older.GetProperty("tokens").GetInt64());
        var prompts = messages.Take(4).Where(m => m.GetProperty("usage").ValueKind == JsonValueKind.Object)
            .Sum(m => m.GetProperty("usage").GetProperty("totalTokens").GetInt64());
        Assert.True(expected < prompts, $"{expected} vs the sum of every call's tokens {prompts}");
        Assert.Equal(6, page.GetProperty("conversation").GetProperty("messageCount").GetInt32());

        var complete = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}/messages");
        Assert.True(complete.GetProperty("complete").GetBoolean());
        Assert.Equal(0, complete.GetProperty("older").GetProperty("messages").GetInt32());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_short_conversation_comes_whole_and_bad_paging_input_is_refused_with_a_sentence()
    {
        var id = await _server.CreateConversationAsync();
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "one" });
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "two" });
        var page = await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}/messages");
        Assert.True(page.GetProperty("complete").GetBoolean());
        Assert.Equal(4, page.GetProperty("messages").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("olderCursor").ValueKind);
        Assert.Equal(page.GetProperty("messages")[3].GetProperty("id").GetString(), page.GetProperty("leafId").GetString());

        await AssertProblemAsync($"/api/conversations/{id}/messages?limit=0", 400, "limit must be 1 to 500");
        await AssertProblemAsync($"/api/conversations/{id}/messages?limit=501", 400, "limit must be 1 to 500");
        await AssertProblemAsync($"/api/conversations/{id}/messages?limit=1&before=m_nope", 400, "before must be an olderCursor");
        await AssertProblemAsync($"/api/conversations/{id}/messages?leaf=m_nope", 404, "there is no message 'm_nope'");
        await AssertProblemAsync("/api/conversations/c_nope/messages", 404, "There is no conversation");
    }

    private async Task AssertProblemAsync(string path, int status, string sentence)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(sentence, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
