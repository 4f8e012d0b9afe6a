using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Replies;

/// <summary>Replies as server-side jobs on one real server: they outlive their connection, are saved as they go and resume by event id.</summary>
public sealed class ReplyResumeTests : IAsyncLifetime
{
    private static readonly string Words = string.Join(' ', Enumerable.Range(0, 60).Select(i => $"w{i}"));
    private ParleyTestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task A_reply_goes_on_after_its_client_leaves_and_resumes_from_the_last_event_id()
    {
        var id = await _server.CreateConversationAsync();
        string replyId;
        long lastSeen;
        string seenText;
        await using (var first = await LiveEvents.OpenAsync(Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 40]]" }))
        {
            await first.ReadTextsAsync(3);
            replyId = first.Only("assistant_start").GetProperty("message").GetProperty("id").GetString()!;
            Assert.Equal([1, 2], first.Events.Take(2).Select(e => e.Id!.Value));
            Assert.Equal(Enumerable.Range(1, first.Events.Count).Select(i => (long)i), first.Events.Select(e => e.Id!.Value));
            lastSeen = first.LastId;
            seenText = first.Text;
        }

        await using var resumed = await LiveEvents.OpenAsync(Client, HttpMethod.Get, $"/api/conversations/{id}/replies/{replyId}/events", lastEventId: lastSeen);
        await resumed.ReadToEndAsync();

        Assert.True(resumed.SawDone);
        Assert.Equal(lastSeen + 1, resumed.Events[0].Id);
        Assert.Equal(Enumerable.Range(0, resumed.Events.Count).Select(i => lastSeen + 1 + i), resumed.Events.Select(e => e.Id!.Value));
        var end = resumed.Only("assistant_end").GetProperty("message");
        Assert.Equal(replyId, end.GetProperty("id").GetString());
        Assert.Equal("complete", end.GetProperty("status").GetString());
        Assert.Equal(Words, seenText + resumed.Text);
        Assert.Equal(Words, end.GetProperty("text").GetString());

        // A finished reply replays whole (from ?after=0) and closes.
        var replay = await Sse.ReadAsync(await Client.GetAsync($"/api/conversations/{id}/replies/{replyId}/events?after=0"));
        Assert.True(replay.SawDone);
        Assert.Equal(Words, replay.Text);
        Assert.Equal(1, replay.Ids[0]);
        Assert.Equal(["user_message", "assistant_start"], replay.Types.Take(2));
    }

    [Fact(Timeout = 60_000)]
    public async Task While_a_reply_is_written_its_stored_message_is_streaming_with_the_text_so_far()
    {
        var id = await _server.CreateConversationAsync();
        await using var stream = await LiveEvents.OpenAsync(Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 10]]" });
        await stream.ReadTextsAsync(15);
        // The save runs at least every second: what the client saw more than a second ago is stored.
        var seenBefore = stream.Text;
        await Task.Delay(1300);

        var reply = (await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages")[1];
        Assert.Equal("streaming", reply.GetProperty("status").GetString());
        Assert.StartsWith(seenBefore, reply.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Single(reply.GetProperty("content").EnumerateArray(), p => p.GetProperty("type").GetString() == "text");

        Assert.Equal(HttpStatusCode.Accepted, (await Client.PostAsync($"/api/conversations/{id}/cancel", null)).StatusCode);
        await stream.ReadToEndAsync();
        Assert.Equal("incomplete", stream.Only("assistant_end").GetProperty("message").GetProperty("status").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Text_shown_before_the_provider_goes_quiet_is_saved_within_a_second_of_the_silence()
    {
        var id = await _server.CreateConversationAsync();
        await using var stream = await LiveEvents.OpenAsync(Client, HttpMethod.Post, $"/api/conversations/{id}/messages",
            new { content = "one two three four five six seven [[mock:stall-after 5]]" });
        await stream.ReadTextsAsync(5);
        var shown = stream.Text;
        Assert.Equal("one two three four five", shown.Trim());

        // No event arrives after the fifth token, so only the engine's own tick can save what the client shows.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        string stored;
        do
        {
            await Task.Delay(250);
            var reply = (await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages")[1];
            Assert.Equal("streaming", reply.GetProperty("status").GetString());
            stored = reply.GetProperty("text").GetString()!;
        }
        while (stored != shown && DateTime.UtcNow < deadline);
        Assert.Equal(shown, stored);

        Assert.Equal(HttpStatusCode.Accepted, (await Client.PostAsync($"/api/conversations/{id}/cancel", null)).StatusCode);
        await stream.ReadToEndAsync();
        var end = stream.Only("assistant_end").GetProperty("message");
        Assert.Equal("incomplete", end.GetProperty("status").GetString());
        Assert.Equal(shown, end.GetProperty("text").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_resume_requests_get_a_sentence_and_leave_the_reply_alone()
    {
        var id = await _server.CreateConversationAsync();
        var other = await _server.CreateConversationAsync();
        await using var stream = await LiveEvents.OpenAsync(Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 30]]" });
        await stream.ReadTextsAsync(2);
        var replyId = stream.Only("assistant_start").GetProperty("message").GetProperty("id").GetString()!;
        var userId = stream.Only("user_message").GetProperty("message").GetProperty("id").GetString()!;
        var events = $"/api/conversations/{id}/replies/{replyId}/events";

        await AssertProblemAsync(await GetWithLastEventIdAsync(events, "abc"), 400, "Last-Event-ID");
        await AssertProblemAsync(await GetWithLastEventIdAsync(events, "-1"), 400, "Last-Event-ID");
        await AssertProblemAsync(await Client.GetAsync(events + "?after=1e3"), 400, "'after'");
        await AssertProblemAsync(await GetWithLastEventIdAsync(events, "100000"), 400, "beyond");
        await AssertProblemAsync(await Client.GetAsync($"/api/conversations/{id}/replies/m_nope/events"), 404, "m_nope");
        await AssertProblemAsync(await Client.GetAsync($"/api/conversations/{id}/replies/{userId}/events"), 404, userId);
        await AssertProblemAsync(await Client.GetAsync($"/api/conversations/{other}/replies/{replyId}/events"), 404, replyId);
        await AssertProblemAsync(await Client.GetAsync($"/api/conversations/c_nope/replies/{replyId}/events"), 404, "c_nope");

        await stream.ReadToEndAsync();
        Assert.Equal("complete", stream.Only("assistant_end").GetProperty("message").GetProperty("status").GetString());
        Assert.Equal(Words, stream.Text);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_busy_conversation_answers_409_with_problem_details_to_an_event_stream_client()
    {
        var id = await _server.CreateConversationAsync();
        await using var stream = await LiveEvents.OpenAsync(Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 20]]" });
        await stream.ReadTextsAsync(1);

        using var second = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages") { Content = JsonContent.Create(new { content = "me too" }) };
        second.Headers.Accept.ParseAdd("text/event-stream");
        var response = await Client.SendAsync(second);

        await AssertProblemAsync(response, 409, "still being written");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.PostAsync($"/api/conversations/{id}/cancel", null)).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_conversation_events_stream_tells_a_tab_about_new_conversations_messages_replies_renames_and_deletions()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations/events");
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": listening", await reader.ReadLineAsync());

        var id = await _server.CreateConversationAsync();
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "hello there" });
        await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "Renamed" });
        await Client.DeleteAsync($"/api/conversations/{id}");

        var notices = new List<JsonElement>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            var notice = JsonDocument.Parse(line[6..]).RootElement.Clone();
            Assert.Equal(id, notice.GetProperty("conversationId").GetString());
            notices.Add(notice);
            if (LiveEvents.Type(notice) == "conversation_deleted")
                break;
        }
        Assert.Equal(
            ["conversation_created", "message_added", "reply_started", "conversation_updated", "reply_finished", "conversation_updated", "conversation_deleted"],
            notices.Select(LiveEvents.Type));
        Assert.Equal("hello there", notices[3].GetProperty("title").GetString());
        Assert.Equal("complete", notices[4].GetProperty("status").GetString());
        Assert.Equal("Renamed", notices[5].GetProperty("title").GetString());
    }

    private async Task<HttpResponseMessage> GetWithLastEventIdAsync(string path, string lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        return await Client.SendAsync(request);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, int status, string sentencePart)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(sentencePart, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.TryGetProperty("code", out _));
    }
}
