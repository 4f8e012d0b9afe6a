#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Clients;

/// <summary>
/// Fields an Anthropic model cannot honour through a translation, driven by the OpenAI .NET SDK: refused with a 400 in
/// OpenAI's shape naming the field (provider <c>claude</c>), or dropped and listed in <c>x-parley-dropped-params</c> when the
/// operator set <c>DropUnsupportedParams</c> (provider <c>lenient</c>, the same fake upstream), which then never sees them.
/// </summary>
public sealed class TranslationRefusalTests : IAsyncLifetime
{
    private static readonly BinaryData Png = BinaryData.FromBytes(Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="));

    private static readonly BinaryData WeatherSchema = BinaryData.FromString(
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""");

    private FakeAnthropicServer _anthropic = null!;
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeAnthropicServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["Parley:Resilience:MaxRetries"] = "0" };
        foreach (var (name, drop) in new[] { ("claude", "false"), ("lenient", "true") })
        {
            settings[$"Parley:Providers:{name}:Kind"] = "anthropic";
            settings[$"Parley:Providers:{name}:BaseUrl"] = _anthropic.BaseUrl;
            settings[$"Parley:Providers:{name}:ApiKey"] = "sk-ant-test";
            settings[$"Parley:Providers:{name}:Models:0"] = "claude-sonnet-4-5";
            settings[$"Parley:Providers:{name}:TimeoutSeconds"] = "5";
            settings[$"Parley:Providers:{name}:DropUnsupportedParams"] = drop;
        }
        _server = await ParleyTestServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    private OpenAIClientOptions Options() => new() { Endpoint = new Uri(_server.BaseAddress, "/v1"), RetryPolicy = new ClientRetryPolicy(0) };

    private ResponsesClient Responses() => new(new ApiKeyCredential("unused"), new ResponsesClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

    private ChatClient Chat(string provider) => new($"{provider}/claude-sonnet-4-5", new ApiKeyCredential("unused"), Options());

    private static CreateResponseOptions StrictTool(string provider) => new($"{provider}/claude-sonnet-4-5", [ResponseItem.CreateUserMessageItem("weather?")])
    {
        Tools = { ResponseTool.CreateFunctionTool("get_weather", WeatherSchema, strictModeEnabled: true, "The weather") },
    };

    private static List<OpenAI.Chat.ChatMessage> ImageWithDetail() =>
        [new UserChatMessage(ChatMessageContentPart.CreateTextPart("what is it?"), ChatMessageContentPart.CreateImagePart(Png, "image/png", ChatImageDetailLevel.Low))];

    private static ChatCompletionOptions StrictSchema() => new()
    {
        ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("weather", WeatherSchema, jsonSchemaIsStrict: true),
    };

    private static void AssertRefused(ClientResultException error, string field)
    {
        Assert.Equal(400, error.Status);
        var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", body.GetProperty("type").GetString());
        Assert.Contains($"'{field}'", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("DropUnsupportedParams", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_strict_function_tool_and_a_strict_json_schema_are_refused_naming_the_field()
    {
        AssertRefused(await Assert.ThrowsAsync<ClientResultException>(() => Responses().CreateResponseAsync(StrictTool("claude"))), "tools[0].strict");
        AssertRefused(await Assert.ThrowsAsync<ClientResultException>(() => Chat("claude").CompleteChatAsync([new UserChatMessage("x")], StrictSchema())),
            "response_format.json_schema.strict");
        var streamed = Chat("claude").CompleteChatStreamingAsync([new UserChatMessage("x")], StrictSchema());
        AssertRefused(await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in streamed)
            {
            }
        }), "response_format.json_schema.strict");
        Assert.Empty(_anthropic.Requests);
    }

    [Fact]
    public async Task An_image_detail_and_an_untranslatable_parameter_are_refused_naming_the_field()
    {
        AssertRefused(await Assert.ThrowsAsync<ClientResultException>(() => Chat("claude").CompleteChatAsync(ImageWithDetail())),
            "messages[0].content[1].image_url.detail");
        var logprobs = await Assert.ThrowsAsync<ClientResultException>(() => Chat("claude").CompleteChatAsync([new UserChatMessage("x")],
            new ChatCompletionOptions { IncludeLogProbabilities = true }));
        Assert.Equal(400, logprobs.Status);
        Assert.Contains("logprobs", logprobs.Message, StringComparison.Ordinal);
        Assert.Empty(_anthropic.Requests);
    }

    [Fact]
    public async Task With_drop_unsupported_params_a_strict_tool_is_dropped_and_listed()
    {
        _anthropic.Enqueue(FakeReply.Text() with { ToolCalls = [new FakeToolCall("get_weather", "toolu_1", """{"city":"Oslo"}""")] });

        ClientResult<ResponseResult> result = await Responses().CreateResponseAsync(StrictTool("lenient"));

        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-parley-dropped-params", out var dropped));
        Assert.Equal("tools[0].strict", dropped);
        Assert.Equal("get_weather", Assert.IsType<FunctionCallResponseItem>(Assert.Single(result.Value.OutputItems)).FunctionName);
        var sent = _anthropic.LastRequest.Root.GetProperty("tools")[0];
        Assert.Equal("get_weather", sent.GetProperty("name").GetString());
        Assert.False(sent.TryGetProperty("strict", out _));
    }

    [Fact]
    public async Task With_drop_unsupported_params_image_detail_strict_schema_and_logprobs_are_dropped_and_listed()
    {
        _anthropic.Enqueue(FakeReply.Text("a pixel"), FakeReply.Text("{}"), FakeReply.Text("plain"));

        ClientResult<ChatCompletion> image = await Chat("lenient").CompleteChatAsync(ImageWithDetail());
        Assert.Equal("a pixel", image.Value.Content[0].Text);
        Assert.True(image.GetRawResponse().Headers.TryGetValue("x-parley-dropped-params", out var imageDropped));
        Assert.Equal("messages[0].content[1].image_url.detail", imageDropped);
        var part = _anthropic.LastRequest.Root.GetProperty("messages")[0].GetProperty("content")[1];
        Assert.Equal("image", part.GetProperty("type").GetString());
        Assert.False(part.TryGetProperty("detail", out _));

        ClientResult<ChatCompletion> schema = await Chat("lenient").CompleteChatAsync([new UserChatMessage("x")], StrictSchema());
        Assert.True(schema.GetRawResponse().Headers.TryGetValue("x-parley-dropped-params", out var schemaDropped));
        Assert.Equal("response_format.json_schema.strict", schemaDropped);

        using var raw = await _server.Client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"lenient/claude-sonnet-4-5","logprobs":true,"messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)raw.StatusCode);
        Assert.Equal("logprobs", Assert.Single(raw.Headers.GetValues("x-parley-dropped-params")));
        Assert.Equal(3, _anthropic.Requests.Count);
    }
}
