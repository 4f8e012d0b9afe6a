using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Providers;
using Parley.Providers.Anthropic;
using Parley.Tests.Fakes;
using Xunit;

namespace Parley.Tests.Providers.Anthropic;

/// <summary>Drives the Anthropic SDK's own IChatClient, through <see cref="AnthropicProvider"/>, against <see cref="FakeAnthropicServer"/>.</summary>
public sealed class AnthropicChatClientTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private FakeAnthropicServer _server = null!;
    private IChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeAnthropicServer.StartAsync();
        _client = AnthropicProvider.CreateChatClient(
            "anthropic", new ProviderOptions { BaseUrl = _server.BaseUrl, ApiKey = "sk-ant-test", TimeoutSeconds = 5, MaxOutputTokens = 321 }, "claude-test", Http);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static CancellationToken Bounded() => new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token;

    /// <summary>Anthropic content may be a string or a list of typed blocks; this reads the text of either.</summary>
    private static string TextOf(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Concat(content.EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));

    [Fact]
    public async Task SendsSystemImagesToolsAndOptionsInTheWireFormat()
    {
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather");
        ChatMessage[] messages =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png"), new UriContent("https://example.com/cat.jpg", "image/jpeg")]),
        ];
        var options = new ChatOptions
        {
            Temperature = 0.5f, TopP = 0.9f, StopSequences = ["END"], Tools = [tool], ToolMode = ChatToolMode.RequireSpecific("get_weather"),
        };

        await _client.GetResponseAsync(messages, options, Bounded());

        var request = _server.LastRequest;
        Assert.Equal("/v1/messages", request.Path);
        Assert.NotNull(request.Header("anthropic-version"));
        Assert.Equal("sk-ant-test", request.Header("x-api-key"));
        Assert.Equal("Bearer sk-ant-test", request.Header("Authorization"));
        var body = request.Root;
        Assert.Equal("claude-test", body.GetProperty("model").GetString());
        Assert.Equal(321, body.GetProperty("max_tokens").GetInt32());
        // SDK 13.12 (API version 2026-10-21) has no sampling parameters: Temperature and TopP are not sent.
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_p", out _));
        Assert.Equal("END", body.GetProperty("stop_sequences")[0].GetString());
        Assert.Equal("Be brief.", TextOf(body.GetProperty("system")));

        var wire = body.GetProperty("messages");
        Assert.Equal(1, wire.GetArrayLength());
        Assert.Equal("user", wire[0].GetProperty("role").GetString());
        var blocks = wire[0].GetProperty("content");
        Assert.Equal("What is this?", blocks[0].GetProperty("text").GetString());
        Assert.Equal("image", blocks[1].GetProperty("type").GetString());
        Assert.Equal("base64", blocks[1].GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("image/png", blocks[1].GetProperty("source").GetProperty("media_type").GetString());
        Assert.Equal("AQID", blocks[1].GetProperty("source").GetProperty("data").GetString());
        Assert.Equal("image", blocks[2].GetProperty("type").GetString());
        Assert.Equal("url", blocks[2].GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("https://example.com/cat.jpg", blocks[2].GetProperty("source").GetProperty("url").GetString());

        var wireTool = body.GetProperty("tools")[0];
        Assert.Equal("get_weather", wireTool.GetProperty("name").GetString());
        Assert.Equal("Gets the weather", wireTool.GetProperty("description").GetString());
        Assert.Equal("string", wireTool.GetProperty("input_schema").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("tool", body.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.Equal("get_weather", body.GetProperty("tool_choice").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("none", "none")]
    [InlineData("required", "any")]
    public async Task MapsToolModesToToolChoice(string mode, string expected)
    {
        ChatToolMode toolMode = mode switch { "auto" => ChatToolMode.Auto, "none" => ChatToolMode.None, _ => ChatToolMode.RequireAny };
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")], ToolMode = toolMode };

        await _client.GetResponseAsync("hi", options, Bounded());

        Assert.Equal(expected, _server.LastRequest.Root.GetProperty("tool_choice").GetProperty("type").GetString());
    }

    [Fact]
    public async Task OptionsOverrideModelAndMaxTokens()
    {
        await _client.GetResponseAsync("hi", new ChatOptions { ModelId = "claude-other", MaxOutputTokens = 50 }, Bounded());

        var body = _server.LastRequest.Root;
        Assert.Equal("claude-other", body.GetProperty("model").GetString());
        Assert.Equal(50, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task ReturnsTextUsageAndStopReason()
    {
        _server.Enqueue(FakeReply.Text("Hello", " there") with { PromptTokens = 12, CompletionTokens = 3, FinishReason = "max_tokens" });

        var response = await _client.GetResponseAsync("hi", null, Bounded());

        Assert.Equal("Hello there", response.Text);
        Assert.Equal(12, response.Usage?.InputTokenCount);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("claude-test", response.ModelId);
        Assert.StartsWith("msg_fake", response.ResponseId);
    }

    [Fact]
    public async Task EchoesTheLastUserMessageWhenNothingIsScripted()
    {
        var response = await _client.GetResponseAsync("ping", null, Bounded());

        Assert.Equal("fake: ping", response.Text);
    }

    [Fact]
    public async Task StreamsTextDeltasInOrderThenUsageAndStopReason()
    {
        _server.Enqueue(FakeReply.Text("One", " two", " three") with { PromptTokens = 4, CompletionTokens = 3 });

        var updates = await ToListAsync(_client.GetStreamingResponseAsync("count", null, Bounded()));

        Assert.True(_server.LastRequest.Root.GetProperty("stream").GetBoolean());
        Assert.Equal(["One", " two", " three"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var usage = new UsageDetails();
        foreach (var content in updates.SelectMany(u => u.Contents).OfType<UsageContent>())
            usage.Add(content.Details);
        Assert.Equal(4, usage.InputTokenCount);
        Assert.Equal(3, usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, updates.Last(u => u.FinishReason is not null).FinishReason);
        Assert.Equal("One two three", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task AssemblesStreamedToolInputFragments()
    {
        _server.Enqueue(FakeReply.Tools(new FakeToolCall("get_weather", "toolu_1", """{"city":"Paris","days":3}""")));

        var updates = await ToListAsync(_client.GetStreamingResponseAsync("weather?", null, Bounded()));

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("toolu_1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal("3", call.Arguments!["days"]?.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, updates.Last(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task AssemblesTwoParallelToolCalls()
    {
        var calls = new[] { new FakeToolCall("get_weather", "toolu_a", """{"city":"Paris"}"""), new FakeToolCall("get_time", "toolu_b", """{"zone":"UTC"}""") };
        _server.Enqueue(FakeReply.Tools(calls) with { TextChunks = ["Checking."] }, FakeReply.Tools(calls));

        var streamed = (await ToListAsync(_client.GetStreamingResponseAsync("both", null, Bounded()))).SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        var whole = (await _client.GetResponseAsync("both", null, Bounded())).Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();

        foreach (var result in new[] { streamed, whole })
        {
            Assert.Equal(["toolu_a", "toolu_b"], result.Select(c => c.CallId));
            Assert.Equal(["get_weather", "get_time"], result.Select(c => c.Name));
            Assert.Equal("UTC", result[1].Arguments!["zone"]?.ToString());
        }
    }

    [Fact]
    public async Task FlagsInvalidStreamedToolInput()
    {
        _server.Enqueue(FakeReply.Tools(new FakeToolCall("get_weather", "toolu_1", """{"city": "Par""")));

        var updates = await ToListAsync(_client.GetStreamingResponseAsync("weather?", null, Bounded()));

        // The SDK keeps no raw text (unlike the OpenAI adapter's raw_arguments), but flags the call so the tool loop can answer with an error.
        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("toolu_1", call.CallId);
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public async Task SendsAToolResultRoundTrip()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "sunny, 21 C")]),
        ];

        await _client.GetResponseAsync(messages, null, Bounded());

        var wire = _server.LastRequest.Root.GetProperty("messages");
        Assert.Equal(3, wire.GetArrayLength());
        var toolUse = wire[1].GetProperty("content")[0];
        Assert.Equal("assistant", wire[1].GetProperty("role").GetString());
        Assert.Equal("tool_use", toolUse.GetProperty("type").GetString());
        Assert.Equal("toolu_1", toolUse.GetProperty("id").GetString());
        Assert.Equal("get_weather", toolUse.GetProperty("name").GetString());
        Assert.Equal("Paris", toolUse.GetProperty("input").GetProperty("city").GetString());
        var toolResult = wire[2].GetProperty("content")[0];
        Assert.Equal("user", wire[2].GetProperty("role").GetString());
        Assert.Equal("tool_result", toolResult.GetProperty("type").GetString());
        Assert.Equal("toolu_1", toolResult.GetProperty("tool_use_id").GetString());
        Assert.Equal("sunny, 21 C", TextOf(toolResult.GetProperty("content")));
    }

    [Fact]
    public async Task ARefusalIsAContentFilterFinish()
    {
        _server.Enqueue(FakeReply.Text("I can't help with that.") with { FinishReason = "refusal" });

        var response = await _client.GetResponseAsync("hi", null, Bounded());

        Assert.Equal(ChatFinishReason.ContentFilter, response.FinishReason);
    }

    [Fact]
    public void DescribesItselfThroughGetService()
    {
        var metadata = _client.GetService<ChatClientMetadata>();

        Assert.Equal("claude-test", metadata?.DefaultModelId);
        Assert.NotNull(metadata?.ProviderName);
    }

    internal static async Task<List<ChatResponseUpdate>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
            list.Add(update);
        return list;
    }
}
