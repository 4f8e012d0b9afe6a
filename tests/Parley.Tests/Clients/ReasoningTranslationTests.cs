#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
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
        // Thinking was asked for upstream (the Anthropic SDK's adapter turns a translated budget into adaptive thinking).
        Assert.Contains(_anthropic.LastRequest.Root.GetProperty("thinking").GetProperty("type").GetString(), new[] { "enabled", "adaptive" });
    }

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
