using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Parley's <c>/v1</c> driven by the official OpenAI .NET SDK, as any OpenAI client would.</summary>
public sealed class OpenAICompatibleApiTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ChatClient Sdk(string model = "mock/echo") =>
        new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

    [Fact]
    public async Task Non_streaming_completion_through_the_sdk()
    {
        ChatCompletion completion = await Sdk().CompleteChatAsync([new SystemChatMessage("be terse"), new UserChatMessage("hello sdk")]);

        Assert.Equal("hello sdk", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("mock/echo", completion.Model);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Streaming_completion_through_the_sdk_with_usage()
    {
        var text = "";
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk().CompleteChatStreamingAsync([new UserChatMessage("stream these words")]))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("stream these words", text);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(3, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Client_tools_come_back_as_tool_calls_and_are_not_run()
    {
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("current_time", "Tells the time") } };
        ChatCompletion completion = await Sdk().CompleteChatAsync([new UserChatMessage("time? [[mock:tool current_time {\"zone\":\"UTC\"}]]")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("current_time", call.FunctionName);
        Assert.Equal("UTC", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("zone").GetString());
    }

    [Fact]
    public async Task Streamed_tool_calls_arrive_as_tool_call_deltas()
    {
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("lookup", "Looks up") } };
        var names = new List<string>();
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk().CompleteChatStreamingAsync([new UserChatMessage("[[mock:tool lookup {\"q\":1}]]")], options))
        {
            names.AddRange(update.ToolCallUpdates.Where(t => t.FunctionName is not null).Select(t => t.FunctionName));
            finish ??= update.FinishReason;
        }
        Assert.Equal(["lookup"], names);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task Images_in_content_parts_reach_the_model()
    {
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("look"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TestImages.Png), "image/png"));
        ChatCompletion completion = await Sdk().CompleteChatAsync([message]);
        Assert.Equal("look (1 image received)", completion.Content[0].Text);
    }

    [Fact]
    public async Task Errors_use_openai_status_codes_and_error_objects()
    {
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => Sdk("nobody/nothing").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, unknown.Status);

        var limited = await Assert.ThrowsAsync<ClientResultException>(() => Sdk().CompleteChatAsync([new UserChatMessage("x [[mock:error 429]]")]));
        Assert.Equal(429, limited.Status);

        var raw = await _server.Client.PostAsync("/v1/chat/completions",
            new StringContent("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x [[mock:error 503]]\"}],\"stream\":true}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadGateway, raw.StatusCode);
        var body = await raw.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("provider_unavailable", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("server_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")]
    [InlineData("{\"model\":\"mock/echo\"}")]
    [InlineData("{\"model\":\"mock/echo\",\"messages\":[]}")]
    [InlineData("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":9}")]
    [InlineData("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":0}")]
    [InlineData("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":17}")]
    [InlineData("{not json")]
    public async Task Invalid_requests_are_400_with_an_openai_error(string body)
    {
        var response = await _server.Client.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Models_lists_the_mock_as_default_and_labels_it()
    {
        var models = await _server.Client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal("list", models.GetProperty("object").GetString());
        var echo = models.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "mock/echo");
        Assert.True(echo.GetProperty("is_default").GetBoolean());
        Assert.Contains("mock", echo.GetProperty("display_name").GetString());
    }
}
