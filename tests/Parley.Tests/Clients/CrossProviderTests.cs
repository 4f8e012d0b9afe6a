#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.Text.Json;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Responses;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Clients;

/// <summary>
/// Each API in, another provider out: the Anthropic SDK against an OpenAI-compatible fake upstream, the OpenAI Responses
/// client against a fake Anthropic upstream, both through Parley's translate path (real SDKs, real wire formats on both sides).
/// </summary>
public sealed class CrossProviderTests : IAsyncLifetime
{
    private FakeOpenAIServer _openai = null!;
    private FakeAnthropicServer _anthropic = null!;
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIServer.StartAsync();
        _anthropic = await FakeAnthropicServer.StartAsync();
        _server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Providers:openai:TimeoutSeconds"] = "5",
            ["Parley:Providers:anthropic:TimeoutSeconds"] = "5",
            ["Parley:Resilience:MaxRetries"] = "0",
        }, new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test-openai", ["OPENAI_API_BASE"] = _openai.BaseUrl, ["OPENAI_MODEL"] = "gpt-4o-mini",
            ["ANTHROPIC_API_KEY"] = "sk-ant-test", ["ANTHROPIC_BASE_URL"] = _anthropic.BaseUrl, ["ANTHROPIC_MODEL"] = "claude-sonnet-4-5",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _openai.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    private AnthropicClient Anthropic() => new(new ClientOptions { ApiKey = "unused", BaseUrl = _server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 });

    private ResponsesClient Responses() => new(new ApiKeyCredential("unused"), new ResponsesClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

    [Fact]
    public async Task Messages_api_in_openai_compatible_upstream_out()
    {
        _openai.Enqueue(FakeReply.Text("Hello ", "from OpenAI"));
        var message = await Anthropic().Messages.Create(new MessageCreateParams
        {
            Model = "openai/gpt-4o-mini", MaxTokens = 64, System = "be brief", Messages = [new UserMessageParam("hi there")],
            StopSequences = ["END"],
        });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Hello from OpenAI", text.Text);
        Assert.Equal(11, message.Usage.InputTokens);
        Assert.Equal(7, message.Usage.OutputTokens);
        var sent = _openai.LastRequest.Root;
        Assert.EndsWith("/chat/completions", _openai.LastRequest.Path, StringComparison.Ordinal);
        Assert.Equal("gpt-4o-mini", sent.GetProperty("model").GetString());
        Assert.Equal("system", sent.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("be brief", sent.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(64, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("END", sent.GetProperty("stop")[0].GetString());
    }

    [Fact]
    public async Task Messages_api_tool_round_trip_over_an_openai_upstream()
    {
        _openai.Enqueue(FakeReply.Tools(new FakeToolCall("get_weather", "call_1", """{"city":"Oslo"}""")), FakeReply.Text("It is sunny."));
        using var chat = Anthropic().AsIChatClient("openai/gpt-4o-mini", 100);
        var tool = AIFunctionFactory.CreateDeclaration("get_weather", "Weather", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement);
        List<Microsoft.Extensions.AI.ChatMessage> history = [new(ChatRole.User, "weather in Oslo?")];

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(history, new ChatOptions { Tools = [tool] }))
            updates.Add(update);
        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_1", call.CallId);
        Assert.Equal("Oslo", call.Arguments!["city"]!.ToString());

        history.AddRange(updates.ToChatResponse().Messages);
        history.Add(new Microsoft.Extensions.AI.ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "sunny, 20C")]));
        var answer = await chat.GetResponseAsync(history, new ChatOptions { Tools = [tool] });
        Assert.Equal("It is sunny.", answer.Text);

        var messages = _openai.LastRequest.Root.GetProperty("messages");
        var toolMessage = messages.EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("call_1", toolMessage.GetProperty("tool_call_id").GetString());
        Assert.Equal("sunny, 20C", toolMessage.GetProperty("content").GetString());
        Assert.Equal("get_weather", _openai.LastRequest.Root.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Top_k_is_refused_for_an_openai_upstream_rather_than_dropped()
    {
        var response = await _server.Client.PostAsync("/v1/messages", new StringContent(
            """{"model":"openai/gpt-4o-mini","max_tokens":5,"top_k":5,"messages":[{"role":"user","content":"x"}]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("'top_k'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_openai.Requests);
    }

    [Fact]
    public async Task Responses_api_in_anthropic_upstream_out()
    {
        _anthropic.Enqueue(FakeReply.Text("Bonjour", " !"));
        var result = await Responses().CreateResponseStreamingAsync(new CreateResponseOptions("anthropic/claude-sonnet-4-5", [ResponseItem.CreateUserMessageItem("salut")])
        {
            Instructions = "answer in French", MaxOutputTokenCount = 50, StreamingEnabled = true,
        });
        var text = "";
        ResponseResult? completed = null;
        await foreach (var update in result)
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
                text += delta.Delta;
            if (update is StreamingResponseCompletedUpdate done)
                completed = done.Response;
        }

        Assert.Equal("Bonjour !", text);
        Assert.NotNull(completed);
        Assert.Equal(7, completed.Usage.OutputTokenCount);
        var sent = _anthropic.LastRequest.Root;
        Assert.Equal("claude-sonnet-4-5", sent.GetProperty("model").GetString());
        Assert.Equal(50, sent.GetProperty("max_tokens").GetInt32());
        Assert.Contains("answer in French", sent.GetProperty("system").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_api_function_calls_over_an_anthropic_upstream()
    {
        _anthropic.Enqueue(FakeReply.Tools(new FakeToolCall("lookup", "toolu_1", """{"q":"x"}""")), FakeReply.Text("found it"));
        var sdk = Responses();
        var options = new CreateResponseOptions("anthropic/claude-sonnet-4-5", [ResponseItem.CreateUserMessageItem("look it up")])
        {
            Tools = { ResponseTool.CreateFunctionTool("lookup", BinaryData.FromString("""{"type":"object","properties":{"q":{"type":"string"}}}"""), strictModeEnabled: false) },
        };
        ResponseResult first = await sdk.CreateResponseAsync(options);
        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(first.OutputItems));
        Assert.Equal("toolu_1", call.CallId);

        ResponseResult second = await sdk.CreateResponseAsync(new CreateResponseOptions("anthropic/claude-sonnet-4-5",
            [ResponseItem.CreateFunctionCallOutputItem("toolu_1", "42")]) { PreviousResponseId = first.Id, Tools = { options.Tools[0] } });
        Assert.Equal("found it", second.GetOutputText());
        var sent = _anthropic.LastRequest.Root.GetProperty("messages");
        var last = sent[sent.GetArrayLength() - 1];
        Assert.Equal("tool_result", last.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("toolu_1", last.GetProperty("content")[0].GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task Messages_api_over_the_anthropic_provider_keeps_system_tools_and_images()
    {
        _anthropic.Enqueue(FakeReply.Text("ok"));
        var json = $$$"""
            {"model":"anthropic/claude-sonnet-4-5","max_tokens":30,"system":[{"type":"text","text":"sys"}],
             "tools":[{"name":"t","description":"d","input_schema":{"type":"object"}}],
             "messages":[{"role":"user","content":[{"type":"text","text":"see"},
               {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Convert.ToBase64String(TestImages.Png)}}}"}}]}]}
            """;
        var response = await _server.Client.PostAsync("/v1/messages", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)response.StatusCode);
        var sent = _anthropic.LastRequest.Root;
        Assert.Contains("sys", sent.GetProperty("system").ToString(), StringComparison.Ordinal);
        Assert.Equal("t", sent.GetProperty("tools")[0].GetProperty("name").GetString());
        var blocks = sent.GetProperty("messages")[0].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()).ToList();
        Assert.Contains("image", blocks);
    }

    [Fact]
    public async Task Messages_to_an_anthropic_model_are_relayed_byte_for_byte_with_only_the_model_rewritten()
    {
        _anthropic.Enqueue(FakeReply.Text("relayed ", "reply"));
        const string Body = """{"model":"anthropic/claude-sonnet-4-5","max_tokens":30,"stream":true,"context_management":{"edits":[]},"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}""";
        var (response, events) = await NamedSse.PostAsync(_server.Client, "/v1/messages", Body);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(Body.Replace("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", StringComparison.Ordinal), _anthropic.LastRequest.Body);
        Assert.Equal("sk-ant-test", _anthropic.LastRequest.Header("x-api-key"));
        Assert.StartsWith("msg_fake", events[0].Data.GetProperty("message").GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("relayed reply", string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));
        Assert.Equal("message_stop", events[^1].Name);

        // Another provider cannot take the field Parley does not translate: refused by name, not dropped.
        var refused = await _server.Client.PostAsync("/v1/messages", new StringContent(Body.Replace("anthropic/claude-sonnet-4-5", "mock/echo", StringComparison.Ordinal),
            System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("'context_management'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relayed_non_streamed_message_is_the_upstreams_body()
    {
        _anthropic.Enqueue(FakeReply.Text("whole"));
        var message = await Anthropic().Messages.Create(new MessageCreateParams
        {
            Model = "anthropic/claude-sonnet-4-5", MaxTokens = 20, Messages = [new UserMessageParam("x")],
        });
        Assert.StartsWith("msg_fake", message.ID, StringComparison.Ordinal);
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("whole", text.Text);
        Assert.Equal(7, message.Usage.OutputTokens);
    }
}
