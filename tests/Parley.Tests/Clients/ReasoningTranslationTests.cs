#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
#pragma warning disable SCME0001 // the SDK's JsonPatch (unknown response fields, here reasoning_content) is marked experimental
using System.ClientModel;
using System.Text.Json;
using OpenAI;
using OpenAI.Responses;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Clients;

/// <summary>
/// The model's reasoning survives translation: Anthropic thinking (thinking_delta, signature_delta) reaches a Messages
/// client when the path is translated, and reaches a Responses client as a reasoning item; an OpenAI-compatible server's
/// <c>reasoning_content</c> reaches Messages clients as a thinking block and Responses clients as a reasoning item.
/// </summary>
public sealed class ReasoningTranslationTests : IAsyncLifetime
{
    private FakeAnthropicServer _anthropic = null!;
    private RawOpenAIUpstream _openai = null!;
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeAnthropicServer.StartAsync();
        _openai = await RawOpenAIUpstream.StartAsync();
        _server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Providers:claude:Kind"] = "anthropic",
            ["Parley:Providers:claude:BaseUrl"] = _anthropic.BaseUrl,
            ["Parley:Providers:claude:ApiKey"] = "sk-ant-test",
            ["Parley:Providers:claude:Models:0"] = "claude-sonnet-4-5",
            ["Parley:Providers:claude:Relay"] = "false",
            ["Parley:Providers:claude:TimeoutSeconds"] = "5",
            ["Parley:Providers:deep:Kind"] = "openai",
            ["Parley:Providers:deep:BaseUrl"] = _openai.BaseUrl,
            ["Parley:Providers:deep:Models:0"] = "deepseek-reasoner",
            ["Parley:Providers:deep:TimeoutSeconds"] = "5",
            ["Parley:Resilience:MaxRetries"] = "0",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _openai.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    private static FakeReply Thinking() => FakeReply.Text("Hello", " there") with { ThinkingChunks = ["Let me think. ", "Done."], ThinkingSignature = "sig-abc" };

    [Fact]
    public async Task Translated_anthropic_thinking_reaches_a_messages_client_with_its_signature()
    {
        _anthropic.Enqueue(Thinking());

        var (response, events) = await NamedSse.PostAsync(_server.Client, "/v1/messages",
            """{"model":"claude/claude-sonnet-4-5","max_tokens":2048,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(200, (int)response.StatusCode);
        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Data.GetProperty("content_block").GetProperty("type").GetString()).ToList();
        Assert.Equal(["thinking", "text"], starts);
        var deltas = events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta")).ToList();
        Assert.Equal("Let me think. Done.", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "thinking_delta").Select(d => d.GetProperty("thinking").GetString())));
        Assert.Equal("sig-abc", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "signature_delta").Select(d => d.GetProperty("signature").GetString())));
        Assert.Equal("Hello there", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "text_delta").Select(d => d.GetProperty("text").GetString())));
        Assert.Equal(0, events.First(e => e.Name == "content_block_delta").Data.GetProperty("index").GetInt32());
        Assert.Equal(events.Count(e => e.Name == "content_block_start"), events.Count(e => e.Name == "content_block_stop"));
        // Thinking was asked for upstream as the client asked for it: enabled, with its budget.
        var thinking = _anthropic.LastRequest.Root.GetProperty("thinking");
        Assert.Equal(("enabled", 1024), (thinking.GetProperty("type").GetString(), thinking.GetProperty("budget_tokens").GetInt32()));
    }

    [Fact]
    public async Task A_translated_thinking_budget_reaches_anthropic_as_sent_with_the_requests_other_fields()
    {
        _anthropic.Enqueue(Thinking());

        var response = await _server.Client.PostAsync("/v1/messages", Json(
            """{"model":"claude/claude-sonnet-4-5","max_tokens":6000,"system":"be brief","temperature":1,"thinking":{"type":"enabled","budget_tokens":5000},"messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(200, (int)response.StatusCode);
        var sent = _anthropic.LastRequest.Root;
        Assert.Equal("enabled", sent.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(5000, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(6000, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal("claude-sonnet-4-5", sent.GetProperty("model").GetString());
        Assert.Equal("be brief", sent.GetProperty("system")[0].GetProperty("text").GetString());
        Assert.Equal("hi", sent.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(sent.TryGetProperty("output_config", out _), "no adaptive effort beside the budget");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["thinking", "text"], body.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));

        // Without thinking, none is asked for.
        _anthropic.Enqueue(FakeReply.Text("plain"));
        await _server.Client.PostAsync("/v1/messages", Json("""{"model":"claude/claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.False(_anthropic.LastRequest.Root.TryGetProperty("thinking", out _));
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":2048}""", "low")]
    [InlineData("""{"type":"enabled","budget_tokens":8000}""", "medium")]
    [InlineData("""{"type":"enabled","budget_tokens":20000}""", "high")]
    [InlineData("""{"type":"adaptive"}""", "medium")]
    [InlineData("""{"type":"disabled"}""", "none")]
    public async Task Thinking_to_an_openai_compatible_upstream_becomes_reasoning_effort(string thinking, string? effort)
    {
        _openai.Enqueue(RawAnswer.Json("""
            {"id":"chatcmpl-t","object":"chat.completion","created":1764900000,"model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}
            """));

        var response = await _server.Client.PostAsync("/v1/messages", Json(
            $$"""{"model":"deep/deepseek-reasoner","max_tokens":30000,"thinking":{{thinking}},"messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("x-parley-dropped-params"));
        var sent = JsonDocument.Parse(_openai.LastBody).RootElement;
        Assert.Equal(effort, sent.TryGetProperty("reasoning_effort", out var value) ? value.GetString() : null);
        Assert.False(sent.TryGetProperty("thinking", out _));
    }

    [Fact]
    public async Task Responses_reasoning_effort_reaches_a_translated_openai_compatible_upstream_as_reasoning_effort()
    {
        _openai.Enqueue(RawAnswer.Json("""
            {"id":"chatcmpl-e","object":"chat.completion","created":1764900000,"model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}
            """));

        var response = await _server.Client.PostAsync("/v1/responses", Json("""{"model":"deep/deepseek-reasoner","reasoning":{"effort":"high"},"input":"hi"}"""));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("/v1/chat/completions", _openai.Requests[^1].Path);
        Assert.Equal("high", JsonDocument.Parse(_openai.LastBody).RootElement.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public async Task Translated_chat_completions_carry_the_models_reasoning_as_reasoning_content()
    {
        _anthropic.Enqueue(Thinking());
        var streamed = await _server.Client.PostAsync("/v1/chat/completions", Json(
            """{"model":"claude/claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var deltas = (await streamed.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l[6..]).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0).Select(c => c[0].GetProperty("delta")).ToList();
        string Joined(string field) => string.Concat(deltas.Select(d => d.TryGetProperty(field, out var v) ? v.GetString() : ""));
        Assert.Equal("Let me think. Done.", Joined("reasoning_content"));
        Assert.Equal("Hello there", Joined("content"));
        Assert.True(deltas.FindLastIndex(d => d.TryGetProperty("reasoning_content", out _)) < deltas.FindIndex(d => d.TryGetProperty("content", out var c) && c.GetString() != ""));

        _anthropic.Enqueue(Thinking());
        var whole = await _server.Client.PostAsync("/v1/chat/completions", Json("""{"model":"claude/claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}"""));
        var message = JsonDocument.Parse(await whole.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(("Hello there", "Let me think. Done."), (message.GetProperty("content").GetString(), message.GetProperty("reasoning_content").GetString()));

        // A reply without reasoning has no such field.
        var plain = await _server.Client.PostAsync("/v1/chat/completions", Json("""{"model":"mock/echo","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.False(JsonDocument.Parse(await plain.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").TryGetProperty("reasoning_content", out _));
    }

    [Fact]
    public async Task The_openai_dotnet_sdk_reads_reasoning_content_from_a_translated_stream()
    {
        _anthropic.Enqueue(Thinking());
        var chat = new OpenAI.Chat.ChatClient("claude/claude-sonnet-4-5", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });
        var reasoning = new System.Text.StringBuilder();
        var text = new System.Text.StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new OpenAI.Chat.UserChatMessage("hi")]))
        {
            if (update.Patch.TryGetValue("$.choices[0].delta.reasoning_content"u8, out string? part))
                reasoning.Append(part);
            foreach (var content in update.ContentUpdate)
                text.Append(content.Text);
        }
        Assert.Equal(("Let me think. Done.", "Hello there"), (reasoning.ToString(), text.ToString()));
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Anthropic_thinking_reaches_a_responses_client_as_a_reasoning_item()
    {
        _anthropic.Enqueue(Thinking());
        var sdk = new ResponsesClient(new ApiKeyCredential("unused"), new ResponsesClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

        var (_, events) = await NamedSse.PostAsync(_server.Client, "/v1/responses",
            """{"model":"claude/claude-sonnet-4-5","stream":true,"reasoning":{"effort":"medium","summary":"auto"},"input":"hi"}""");

        var types = events.Select(e => e.Name).ToList();
        Assert.Equal("reasoning", events.First(e => e.Name == "response.output_item.added").Data.GetProperty("item").GetProperty("type").GetString());
        Assert.Equal("Let me think. Done.", string.Concat(events.Where(e => e.Name == "response.reasoning_summary_text.delta").Select(e => e.Data.GetProperty("delta").GetString())));
        Assert.True(types.IndexOf("response.reasoning_summary_text.done") < types.IndexOf("response.output_text.delta"));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
        var final = events[^1].Data.GetProperty("response");
        Assert.Equal("Let me think. Done.", final.GetProperty("output")[0].GetProperty("summary")[0].GetProperty("text").GetString());

        _anthropic.Enqueue(Thinking());
        var result = await sdk.CreateResponseStreamingAsync(new CreateResponseOptions("claude/claude-sonnet-4-5", [ResponseItem.CreateUserMessageItem("hi")]) { StreamingEnabled = true });
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in result)
            updates.Add(update);
        Assert.Equal("Hello there", Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response.GetOutputText());
    }

    [Fact]
    public async Task Reasoning_content_from_an_openai_compatible_server_reaches_messages_and_responses_clients()
    {
        string Chunk(string delta) =>
            $$"""{"id":"chatcmpl-r1","object":"chat.completion.chunk","created":1764900000,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{{delta}},"finish_reason":null}]}""";
        string[] chunks =
        [
            Chunk("""{"role":"assistant","content":null,"reasoning_content":"Weighing "}"""),
            Chunk("""{"reasoning_content":"options."}"""),
            Chunk("""{"content":"Paris"}"""),
            """{"id":"chatcmpl-r1","object":"chat.completion.chunk","created":1764900000,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}""",
            "[DONE]",
        ];
        _openai.Enqueue(RawAnswer.Events(chunks), RawAnswer.Json("""
            {"id":"chatcmpl-r2","object":"chat.completion","created":1764900000,"model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"Paris","reasoning_content":"Weighing options."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}
            """));

        var (_, events) = await NamedSse.PostAsync(_server.Client, "/v1/messages",
            """{"model":"deep/deepseek-reasoner","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"capital of France?"}]}""");
        var deltas = events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta")).ToList();
        Assert.Equal("thinking", events.First(e => e.Name == "content_block_start").Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("Weighing options.", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "thinking_delta").Select(d => d.GetProperty("thinking").GetString())));
        Assert.Equal("Paris", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "text_delta").Select(d => d.GetProperty("text").GetString())));

        var sdk = new ResponsesClient(new ApiKeyCredential("unused"), new ResponsesClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });
        ResponseResult response = await sdk.CreateResponseAsync("deep/deepseek-reasoner", "capital of France?", previousResponseId: null);
        Assert.Equal("Paris", response.GetOutputText());
        using var raw = JsonDocument.Parse(await _server.Client.GetStringAsync($"/v1/responses/{response.Id}"));
        var reasoning = raw.RootElement.GetProperty("output")[0];
        Assert.Equal("reasoning", reasoning.GetProperty("type").GetString());
        Assert.Equal("Weighing options.", reasoning.GetProperty("summary")[0].GetProperty("text").GetString());
    }
}
