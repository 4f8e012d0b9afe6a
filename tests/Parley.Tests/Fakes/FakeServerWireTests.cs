using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Parley.Tests.Fakes;

/// <summary>The fakes' raw wire format, read without an SDK so framing mistakes cannot hide behind a lenient client.</summary>
public sealed class FakeServerWireTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static async Task<(HttpResponseMessage Response, string Body)> PostAsync(string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await Http.PostAsync(url, content);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static List<JsonElement> DataLines(string body) =>
        [.. body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && l != "data: [DONE]")
            .Select(l => JsonDocument.Parse(l["data: ".Length..]).RootElement)];

    [Fact]
    public async Task OpenAIStreamsChunksThenAUsageChunkThenDone()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Text("Hi", "!") with { PromptTokens = 3, CompletionTokens = 2 });

        var (response, body) = await PostAsync(server.BaseUrl + "/chat/completions",
            """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        var chunks = DataLines(body);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("Hi", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(5, chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
    }

    [Fact]
    public async Task OpenAIStreamsToolCallsAsIndexedFragments()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Tools(new FakeToolCall("f", "call_1", """{"a":"bcdef"}"""), new FakeToolCall("g", "call_2", "{}")));

        var (_, body) = await PostAsync(server.BaseUrl + "/chat/completions", """{"model":"m","stream":true,"messages":[]}""");

        var deltas = DataLines(body).Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls")[0]).ToList();
        Assert.Equal("call_1", deltas[0].GetProperty("id").GetString());
        Assert.Equal("f", deltas[0].GetProperty("function").GetProperty("name").GetString());
        Assert.True(deltas.Count(d => d.GetProperty("index").GetInt32() == 0) > 2);
        Assert.False(deltas[1].TryGetProperty("id", out _));
        var arguments = string.Concat(deltas.Where(d => d.GetProperty("index").GetInt32() == 0).Select(d => d.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("""{"a":"bcdef"}""", arguments);
        Assert.Contains(deltas, d => d.GetProperty("index").GetInt32() == 1 && d.GetProperty("id").GetString() == "call_2");
        Assert.DoesNotContain("\"usage\"", body, StringComparison.Ordinal); // no include_usage, no usage
    }

    [Fact]
    public async Task AnthropicStreamsTheDocumentedEventSequence()
    {
        await using var server = await FakeAnthropicServer.StartAsync();
        server.Enqueue(FakeReply.Tools(new FakeToolCall("f", "toolu_1", """{"a":1}""")) with { TextChunks = ["Hi"] });

        var (_, body) = await PostAsync(server.BaseUrl + "/v1/messages", """{"model":"m","max_tokens":5,"stream":true,"messages":[]}""");

        var frames = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('\n')).ToList();
        var names = frames.Select(f => f[0]["event: ".Length..]).ToList();
        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
             "message_delta", "message_stop"],
            names);
        Assert.All(frames, f => Assert.Equal(f[0]["event: ".Length..], JsonDocument.Parse(f[1]["data: ".Length..]).RootElement.GetProperty("type").GetString()));
        var events = frames.Select(f => JsonDocument.Parse(f[1]["data: ".Length..]).RootElement).ToList();
        Assert.Equal("tool_use", events[5].GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("input_json_delta", events[6].GetProperty("delta").GetProperty("type").GetString());
        Assert.Equal("tool_use", events[11].GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(7, events[11].GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task AnthropicErrorsCarryTheProviderShapeAndRetryAfter()
    {
        await using var server = await FakeAnthropicServer.StartAsync();
        server.Enqueue(FakeReply.Error(429, "Slow down.", retryAfter: TimeSpan.FromSeconds(3)));

        var (response, body) = await PostAsync(server.BaseUrl + "/v1/messages", """{"model":"m","max_tokens":5,"messages":[]}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("rate_limit_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Slow down.", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task RecordsRequestsAndReleasesHangingOnesOnDispose()
    {
        var server = await FakeOpenAIServer.StartAsync();
        server.Enqueue(FakeReply.Hanging());
        var pending = PostAsync(server.BaseUrl + "/chat/completions", """{"model":"m","messages":[{"role":"user","content":"x"}]}""");
        while (server.Requests.Count == 0)
            await Task.Delay(10);

        var clock = Stopwatch.StartNew();
        await server.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3));
        Assert.Equal("/v1/chat/completions", server.LastRequest.Path);
        Assert.Equal("application/json; charset=utf-8", server.LastRequest.Header("Content-Type"));
        await Assert.ThrowsAnyAsync<Exception>(() => pending);
    }
}
