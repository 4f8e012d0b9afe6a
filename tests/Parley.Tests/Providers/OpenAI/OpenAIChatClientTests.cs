using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Providers;
using Parley.Providers.OpenAI;
using Parley.Tests.Fakes;
using Xunit;

namespace Parley.Tests.Providers.OpenAI;

/// <summary>Drives the real OpenAI SDK through <see cref="OpenAIProvider"/> against <see cref="FakeOpenAIServer"/>.</summary>
public sealed class OpenAIChatClientTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private FakeOpenAIServer _server = null!;
    private IChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        _client = Create(_server.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static IChatClient Create(string baseUrl, int timeoutSeconds = 5) =>
        OpenAIProvider.CreateChatClient("openai", new ProviderOptions { BaseUrl = baseUrl, ApiKey = "sk-test", TimeoutSeconds = timeoutSeconds }, "gpt-4o-mini", Http);

    private static CancellationToken Bounded() => new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token;

    [Fact]
    public async Task SendsMessagesOptionsAndToolsInTheWireFormat()
    {
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather");
        ChatMessage[] messages =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png"), new UriContent("https://example.com/cat.jpg", "image/jpeg")]),
        ];
        var options = new ChatOptions
        {
            Temperature = 0.5f, TopP = 0.9f, MaxOutputTokens = 123, StopSequences = ["END"],
            Tools = [tool], ToolMode = ChatToolMode.RequireSpecific("get_weather"),
        };

        await _client.GetResponseAsync(messages, options, Bounded());

        var request = _server.LastRequest;
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Header("Authorization"));
        var body = request.Root;
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, body.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(123, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("END", body.GetProperty("stop")[0].GetString());
        Assert.False(body.TryGetProperty("stream", out var stream) && stream.GetBoolean());

        var wire = body.GetProperty("messages");
        Assert.Equal("system", wire[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", wire[0].GetProperty("content").GetString());
        var parts = wire[1].GetProperty("content");
        Assert.Equal("text", parts[0].GetProperty("type").GetString());
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64,AQID", parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("https://example.com/cat.jpg", parts[2].GetProperty("image_url").GetProperty("url").GetString());

        var function = body.GetProperty("tools")[0];
        Assert.Equal("function", function.GetProperty("type").GetString());
        Assert.Equal("get_weather", function.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("string", function.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("get_weather", body.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("none", "none")]
    [InlineData("required", "required")]
    public async Task MapsToolModesToToolChoice(string mode, string expected)
    {
        ChatToolMode toolMode = mode switch { "auto" => ChatToolMode.Auto, "none" => ChatToolMode.None, _ => ChatToolMode.RequireAny };
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")], ToolMode = toolMode };

        await _client.GetResponseAsync("hi", options, Bounded());

        Assert.Equal(expected, _server.LastRequest.Root.GetProperty("tool_choice").GetString());
    }

    [Fact]
    public async Task ModelIdAndJsonResponseFormatComeFromTheOptions()
    {
        await _client.GetResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o", ResponseFormat = ChatResponseFormat.Json }, Bounded());

        var body = _server.LastRequest.Root;
        Assert.Equal("gpt-4o", body.GetProperty("model").GetString());
        Assert.Equal("json_object", body.GetProperty("response_format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task StreamingRequestsUsage()
    {
        await foreach (var _ in _client.GetStreamingResponseAsync("hi", null, Bounded()))
        {
        }

        var body = _server.LastRequest.Root;
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public async Task ReturnsTextUsageAndMetadata()
    {
        _server.Enqueue(FakeReply.Text("Hello", " there") with { PromptTokens = 12, CompletionTokens = 3, FinishReason = "length" });

        var response = await _client.GetResponseAsync("hi", null, Bounded());

        Assert.Equal("Hello there", response.Text);
        Assert.Equal(12, response.Usage?.InputTokenCount);
        Assert.Equal(3, response.Usage?.OutputTokenCount);
        Assert.Equal(15, response.Usage?.TotalTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("gpt-4o-mini", response.ModelId);
        Assert.StartsWith("chatcmpl-fake", response.ResponseId);
        Assert.NotNull(response.CreatedAt);
        Assert.IsType<global::OpenAI.Chat.ChatCompletion>(response.RawRepresentation);
    }

    [Fact]
    public async Task ToleratesFinishReasonsTheSdkDoesNotKnow()
    {
        _server.Enqueue(FakeReply.Text("a", "b") with { FinishReason = "eos_token" }, FakeReply.Text("c") with { FinishReason = "abort" });

        var updates = await ToListAsync(_client.GetStreamingResponseAsync("hi", null, Bounded()));
        var response = await _client.GetResponseAsync("hi", null, Bounded());

        Assert.Equal("ab", updates.ToChatResponse().Text);
        Assert.Equal(ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal("c", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task EchoesTheLastUserMessageWhenNothingIsScripted()
    {
        var response = await _client.GetResponseAsync("ping", null, Bounded());

        Assert.Equal("fake: ping", response.Text);
    }

    [Fact]
    public async Task StreamsTextDeltasInOrderThenUsageAndFinishReason()
    {
        _server.Enqueue(FakeReply.Text("One", " two", " three") with { PromptTokens = 4, CompletionTokens = 3 });

        var updates = await ToListAsync(_client.GetStreamingResponseAsync("count", null, Bounded()));

        Assert.Equal(["One", " two", " three"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal(4, usage.InputTokenCount);
        Assert.Equal(3, usage.OutputTokenCount);
        Assert.Equal(7, usage.TotalTokenCount);
        Assert.Equal(ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.All(updates, u => Assert.StartsWith("chatcmpl-fake", u.ResponseId));
        Assert.All(updates, u => Assert.Equal("gpt-4o-mini", u.ModelId));
        Assert.Equal("One two three", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task YieldsTextBeforeTheStreamEnds()
    {
        _server.Enqueue(FakeReply.Text("first", "second") with { ChunkDelay = TimeSpan.FromSeconds(10) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        await using var updates = _client.GetStreamingResponseAsync("hi", null, cts.Token).GetAsyncEnumerator(cts.Token);
        while (await updates.MoveNextAsync() && updates.Current.Text.Length == 0)
        {
        }

        Assert.Equal("first", updates.Current.Text);
        await cts.CancelAsync();
    }

    [Fact]
    public async Task AssemblesStreamedToolCallFragments()
    {
        _server.Enqueue(FakeReply.Tools(new FakeToolCall("get_weather", "call_1", """{"city":"Paris","days":3}""")));

        var updates = await ToListAsync(_client.GetStreamingResponseAsync("weather?", null, Bounded()));

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal(3, ((JsonElement)call.Arguments!["days"]!).GetInt32());
        Assert.Equal(ChatFinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task AssemblesTwoParallelToolCalls()
    {
        var calls = new[] { new FakeToolCall("get_weather", "call_a", """{"city":"Paris"}"""), new FakeToolCall("get_time", "call_b", """{"zone":"UTC"}""") };
        _server.Enqueue(FakeReply.Tools(calls), FakeReply.Tools(calls));

        var streamed = (await ToListAsync(_client.GetStreamingResponseAsync("both", null, Bounded()))).SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        var whole = (await _client.GetResponseAsync("both", null, Bounded())).Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();

        foreach (var result in new[] { streamed, whole })
        {
            Assert.Equal(["call_a", "call_b"], result.Select(c => c.CallId));
            Assert.Equal(["get_weather", "get_time"], result.Select(c => c.Name));
            Assert.Equal("UTC", ((JsonElement)result[1].Arguments!["zone"]!).GetString());
        }
    }

    [Fact]
    public async Task KeepsInvalidToolArgumentsAsRawText()
    {
        _server.Enqueue(FakeReply.Tools(new FakeToolCall("get_weather", "call_1", """{"city": "Par""")));

        var updates = await ToListAsync(_client.GetStreamingResponseAsync("weather?", null, Bounded()));

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.NotNull(call.Exception);
        Assert.Equal("""{"city": "Par""", call.AdditionalProperties?[Parley.Tools.ToolContent.RawArgumentsKey]);
    }

    [Fact]
    public async Task SendsAToolResultRoundTrip()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny, 21 C")]),
        ];

        var response = await _client.GetResponseAsync(messages, null, Bounded());

        var wire = _server.LastRequest.Root.GetProperty("messages");
        var toolCall = wire[1].GetProperty("tool_calls")[0];
        Assert.Equal("assistant", wire[1].GetProperty("role").GetString());
        Assert.Equal("call_1", toolCall.GetProperty("id").GetString());
        Assert.Equal("function", toolCall.GetProperty("type").GetString());
        Assert.Equal("get_weather", toolCall.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(toolCall.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("tool", wire[2].GetProperty("role").GetString());
        Assert.Equal("call_1", wire[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("sunny, 21 C", wire[2].GetProperty("content").GetString());
        Assert.Equal("fake: Weather in Paris?", response.Text);
    }

    [Fact]
    public void DescribesItselfThroughGetService()
    {
        var metadata = _client.GetService<ChatClientMetadata>();

        Assert.Equal("openai", metadata?.ProviderName);
        Assert.Equal("gpt-4o-mini", metadata?.DefaultModelId);
        Assert.Equal(new Uri(_server.BaseUrl), metadata?.ProviderUri);
        Assert.NotNull(_client.GetService<global::OpenAI.Chat.ChatClient>());
    }

    [Fact]
    public async Task ListsModelsLikeOpenAI()
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync(_server.BaseUrl + "/models"));

        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("gpt-4o-mini", json.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
    }

    internal static async Task<List<ChatResponseUpdate>> ToListAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
            list.Add(update);
        return list;
    }
}
