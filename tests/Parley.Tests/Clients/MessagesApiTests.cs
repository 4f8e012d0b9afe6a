using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;
using Parley.Tests.Identity;
using Parley.Tests.Support;
using AnthropicMessage = Anthropic.Models.Messages.Message;

namespace Parley.Tests.Clients;

/// <summary><c>/v1/messages</c> driven by the official Anthropic .NET SDK (its Messages service and its IChatClient) against the mock.</summary>
public sealed class MessagesApiTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AnthropicClient Sdk() => new(new ClientOptions { ApiKey = "sk-ant-unused", BaseUrl = _server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 });

    [Fact]
    public async Task Create_returns_a_message_with_text_stop_reason_and_usage()
    {
        AnthropicMessage message = await Sdk().Messages.Create(new MessageCreateParams
        {
            Model = "mock/echo",
            MaxTokens = 100,
            System = "be terse",
            Messages = [new UserMessageParam("hello claude")],
        });

        Assert.StartsWith("msg_", message.ID);
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("hello claude", text.Text);
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.Equal(2, message.Usage.OutputTokens);
        Assert.True(message.Usage.InputTokens > 0);
    }

    [Fact]
    public async Task Streaming_through_the_sdk_yields_the_text()
    {
        var text = "";
        string? stopReason = null;
        await foreach (var streamEvent in Sdk().Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "mock/echo", MaxTokens = 100, Messages = [new UserMessageParam("stream these words")],
        }))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var textDelta))
                text += textDelta.Text;
            if (streamEvent.TryPickDelta(out var messageDelta))
                stopReason = messageDelta.Delta.StopReason?.Raw();
        }
        Assert.Equal("stream these words", text);
        Assert.Equal("end_turn", stopReason);
    }

    [Fact]
    public async Task The_stream_has_anthropics_event_sequence()
    {
        var (response, events) = await NamedSse.PostAsync(_server.Client, "/v1/messages?beta=true",
            """{"model":"mock/echo","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"a b"}]}""",
            new Dictionary<string, string> { ["anthropic-version"] = "2023-06-01", ["anthropic-beta"] = "fine-grained-tool-streaming-2025-05-14" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        var delta = events.Single(e => e.Name == "message_delta").Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(2, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Tool_use_round_trip_through_the_sdks_chat_client()
    {
        using var chat = Sdk().AsIChatClient("mock/echo", 200);
        var tool = AIFunctionFactory.CreateDeclaration("current_time", "Tells the time",
            JsonDocument.Parse("""{"type":"object","properties":{"zone":{"type":"string"}}}""").RootElement);
        List<Microsoft.Extensions.AI.ChatMessage> history = [new(ChatRole.User, "time? [[mock:tool current_time {\"zone\":\"UTC\"}]]")];
        var first = await chat.GetResponseAsync(history, new ChatOptions { Tools = [tool] });

        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("current_time", call.Name);
        Assert.Equal("UTC", call.Arguments!["zone"]!.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);

        history.AddRange(first.Messages);
        history.Add(new Microsoft.Extensions.AI.ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "12:00")]));
        var second = await chat.GetResponseAsync(history, new ChatOptions { Tools = [tool] });
        Assert.Equal("The tool returned: 12:00", second.Text);
    }

    [Fact]
    public async Task Streamed_tool_use_arrives_as_input_json()
    {
        using var chat = Sdk().AsIChatClient("mock/echo", 200);
        var tool = AIFunctionFactory.CreateDeclaration("lookup", "Looks up", JsonDocument.Parse("""{"type":"object"}""").RootElement);
        var calls = new List<FunctionCallContent>();
        await foreach (var update in chat.GetStreamingResponseAsync("[[mock:tool lookup {\"q\":1}]]", new ChatOptions { Tools = [tool] }))
            calls.AddRange(update.Contents.OfType<FunctionCallContent>());
        var call = Assert.Single(calls);
        Assert.Equal("lookup", call.Name);
        Assert.Equal("1", call.Arguments!["q"]!.ToString());
    }

    [Fact]
    public async Task Images_base64_and_url_reach_the_model()
    {
        var json = $$$"""
            {"model":"mock/echo","max_tokens":50,"messages":[{"role":"user","content":[
              {"type":"text","text":"look"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Convert.ToBase64String(TestImages.Png)}}}"}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}}]}]}
            """;
        var response = await _server.Client.PostAsync("/v1/messages", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("look (2 images received)", body.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Count_tokens_answers_input_tokens()
    {
        var count = await Sdk().Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "mock/echo",
            Messages = [new UserMessageParam("count these words please, all of them")],
        });
        Assert.InRange(count.InputTokens, 5, 40);
    }

    [Fact]
    public async Task Keys_work_as_x_api_key_and_errors_use_anthropics_shape()
    {
        await using var server = await AccountsServer.StartAsync();
        var key = await server.CreateKeyAsync(AccountsServer.Admin);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = JsonContent.Create(new { model = "mock/echo", max_tokens = 20, messages = new[] { new { role = "user", content = "hi" } } }),
        };
        request.Headers.Add("x-api-key", key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var sdk = new AnthropicClient(new ClientOptions { ApiKey = "sk-ant-wrong", BaseUrl = server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 });
        await Assert.ThrowsAsync<Anthropic.Exceptions.AnthropicUnauthorizedException>(() => sdk.Messages.Create(new MessageCreateParams
        {
            Model = "mock/echo", MaxTokens = 10, Messages = [new UserMessageParam("hi")],
        }));

        var unauthenticated = await client.PostAsJsonAsync("/v1/messages", new { model = "mock/echo" });
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        var error = await unauthenticated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("authentication_error", error.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Failures_use_anthropics_status_codes()
    {
        var overloaded = await _server.Client.PostAsJsonAsync("/v1/messages",
            new { model = "mock/echo", max_tokens = 10, messages = new[] { new { role = "user", content = "x [[mock:error 503]]" } } });
        Assert.Equal(529, (int)overloaded.StatusCode);
        Assert.Equal("overloaded_error", (await overloaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());

        var unknown = await _server.Client.PostAsJsonAsync("/v1/messages",
            new { model = "nobody/nothing", max_tokens = 10, messages = new[] { new { role = "user", content = "x" } } });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("not_found_error", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"mock/echo","messages":[{"role":"user","content":"x"}]}""", "max_tokens")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":[{"role":"user","content":[{"type":"audio","data":"x"}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_x","content":"y"}]}]}""", "messages[0].content[0].tool_use_id")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages[0].content[0].source.type")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":[{"role":"user","content":"x"}],"temperature":1.5}""", "temperature")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":[{"role":"user","content":"x"}],"mcp_servers":[]}""", "mcp_servers")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":[{"role":"user","content":"x"}],"thinking":{"type":"enabled"}}""", "thinking.budget_tokens")]
    [InlineData("""{"model":"mock/echo","max_tokens":5,"messages":"x"}""", "messages")]
    public async Task Bad_input_is_a_400_in_anthropics_shape_naming_the_field(string json, string field)
    {
        var response = await _server.Client.PostAsync("/v1/messages", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains($"'{field}'", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Invalid_json_is_a_400_in_anthropics_shape()
    {
        var response = await _server.Client.PostAsync("/v1/messages", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString());
    }
}
