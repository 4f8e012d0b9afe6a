using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class StatelessChatApiTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?> { ["MAX_HISTORY_MESSAGES"] = "4" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Streams_seed_002_events_then_the_context_then_done()
    {
        var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = "hi there", system_prompt = "Be kind." });

        Assert.Equal(["text", "text", "context_update"], stream.Types);
        Assert.True(stream.SawDone);
        Assert.EndsWith("data: [DONE]\n\n", stream.Raw);
        var context = stream.OfType("context_update").Single().GetProperty("content");
        var messages = context.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("hi there", messages[1].GetProperty("content").GetString());
        Assert.All(stream.Events, e => Assert.Equal(["type", "content"], e.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task The_returned_context_carries_the_conversation_and_is_trimmed_to_max_history()
    {
        JsonElement? context = null;
        for (var turn = 1; turn <= 3; turn++)
        {
            var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = $"turn {turn}", context });
            context = stream.OfType("context_update").Single().GetProperty("content");
        }

        var messages = context!.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ToList();
        Assert.Equal(["turn 2", "turn 2", "turn 3", "turn 3"], messages);
    }

    [Fact]
    public async Task Tool_calls_from_the_model_stream_as_tool_start_and_tool_end()
    {
        var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = "what time is it [[mock:tool current_time {}]]" });

        var start = stream.OfType("tool_start").Single().GetProperty("content");
        Assert.Equal("current_time", start.GetProperty("name").GetString());
        Assert.True(start.TryGetProperty("description", out _));
        Assert.True(start.TryGetProperty("action", out _));
        var end = stream.OfType("tool_end").Single().GetProperty("content");
        Assert.Equal("current_time", end.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(end.GetProperty("result").GetString()));
        Assert.StartsWith("The tool returned:", stream.Text);
        var types = stream.Types.ToList();
        Assert.True(types.IndexOf("tool_start") < types.IndexOf("tool_end"));
        Assert.True(types.IndexOf("tool_end") < types.IndexOf("text"));
    }

    [Fact]
    public async Task Provider_errors_become_an_error_event()
    {
        var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = "x [[mock:error 429]]" });
        var error = stream.OfType("error").Single();
        Assert.Contains("rate limiting", error.GetProperty("content").GetString());
        Assert.Empty(stream.OfType("context_update"));
        Assert.True(stream.SawDone);
    }

    [Theory]
    [InlineData("{}", "empty_message")]
    [InlineData("{\"message\":\"hi\",\"context\":\"not an object\"}", "invalid_request")]
    [InlineData("{\"message\":\"hi\",\"context\":{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}}", "invalid_request")]
    [InlineData("[1,2", "invalid_json")]
    public async Task Bad_requests_are_rejected_before_streaming(string body, string code)
    {
        var response = await _server.Client.PostAsync("/api/chat", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
