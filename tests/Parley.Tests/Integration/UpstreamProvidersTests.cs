using System.ClientModel;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// Parley configured with real providers whose APIs are local fakes speaking the real wire formats:
/// requests go client → Parley → official SDK → fake, and back.
/// </summary>
public sealed class UpstreamProvidersTests : IAsyncLifetime
{
    private FakeOpenAIServer _openAI = null!;
    private FakeAnthropicServer _anthropic = null!;
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _openAI = await FakeOpenAIServer.StartAsync();
        _anthropic = await FakeAnthropicServer.StartAsync();
        _server = await ParleyTestServer.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Parley:Providers:anthropic:BaseUrl"] = _anthropic.BaseUrl,
                ["Parley:Providers:openai:TimeoutSeconds"] = "5",
                // These tests check how one upstream call maps; retries are ResilienceIntegrationTests' subject.
                ["Parley:Resilience:MaxRetries"] = "0",
            },
            environment: new Dictionary<string, string?>
            {
                ["OPENAI_API_KEY"] = "sk-test-secret",
                ["OPENAI_API_BASE"] = _openAI.BaseUrl,
                ["OPENAI_MODEL"] = "gpt-4o-mini",
                ["ANTHROPIC_API_KEY"] = "sk-ant-test-secret",
            });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _openAI.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    [Fact]
    public async Task With_an_openai_key_the_default_model_is_openai()
    {
        var health = JsonDocument.Parse(await _server.Client.GetStringAsync("/health")).RootElement;
        Assert.Equal("openai/gpt-4o-mini", health.GetProperty("defaultModel").GetString());
        Assert.DoesNotContain("sk-test-secret", health.GetRawText());
    }

    [Fact]
    public async Task Openai_compatible_streaming_passes_through_to_the_upstream()
    {
        _openAI.Enqueue(FakeReply.Text("Hel", "lo ", "from upstream"));
        var client = new ChatClient("openai/gpt-4o-mini", new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

        var text = "";
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            usage ??= update.Usage;
        }

        Assert.Equal("Hello from upstream", text);
        Assert.Equal(7, usage?.OutputTokenCount);
        var sent = _openAI.LastRequest;
        Assert.Equal("gpt-4o-mini", sent.Root.GetProperty("model").GetString());
        Assert.Equal("Bearer sk-test-secret", sent.Header("Authorization"));
    }

    [Fact]
    public async Task Conversation_on_openai_runs_parley_tools_across_two_upstream_calls()
    {
        _openAI.Enqueue(
            FakeReply.Tools(new FakeToolCall("calculator", "call_1", "{\"expression\":\"6*7\"}")),
            FakeReply.Text("The answer is ", "42."));
        var id = await _server.CreateConversationAsync(new { model = "openai/gpt-4o-mini", systemPrompt = "Use tools." });

        var stream = await Sse.PostAsync(_server.Client, $"/api/conversations/{id}/messages", new { content = "what is 6*7?" });

        Assert.Equal("The answer is 42.", stream.Text);
        var end = stream.OfType("tool_end").Single().GetProperty("content");
        Assert.Equal("calculator", end.GetProperty("name").GetString());
        Assert.Contains("42", end.GetProperty("result").GetString());
        Assert.Equal(2, _openAI.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)));
        var second = _openAI.LastRequest.Root.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "assistant", "tool"], second.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("call_1", second[3].GetProperty("tool_call_id").GetString());

        var stored = JsonDocument.Parse(await _server.Client.GetStringAsync($"/api/conversations/{id}")).RootElement;
        var parts = stored.GetProperty("messages")[1].GetProperty("content").EnumerateArray().Select(p => p.GetProperty("type").GetString());
        Assert.Equal(["tool_call", "tool_result", "text"], parts);
    }

    [Fact]
    public async Task Stateless_chat_on_anthropic_streams_through_the_anthropic_sdk()
    {
        _anthropic.Enqueue(FakeReply.Text("Bonjour", " tout le monde"));

        var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = "salut", system_prompt = "French only.", model = "anthropic/claude-sonnet-4-5" });

        Assert.Equal("Bonjour tout le monde", stream.Text);
        var sent = _anthropic.LastRequest.Root;
        Assert.Equal("claude-sonnet-4-5", sent.GetProperty("model").GetString());
        Assert.Contains("French only.", sent.GetProperty("system").GetRawText());
        Assert.True("sk-ant-test-secret" == _anthropic.LastRequest.Header("x-api-key"),
            string.Join("; ", _anthropic.Requests.Select(r => r.Path + " " + string.Join(",", r.Headers.Select(h => h.Key + "=" + h.Value)))));
    }

    [Fact]
    public async Task Upstream_failures_map_to_readable_errors()
    {
        _openAI.Enqueue(FakeReply.Error(401, "Incorrect API key provided"));
        var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = "hi", model = "openai/gpt-4o-mini" });
        Assert.Contains("API key was rejected", stream.OfType("error").Single().GetProperty("content").GetString());

        _anthropic.Enqueue(FakeReply.Error(400, "prompt is too long: 300000 tokens > 200000 maximum", type: "invalid_request_error"));
        var id = await _server.CreateConversationAsync(new { model = "anthropic/claude-sonnet-4-5" });
        var conversation = await Sse.PostAsync(_server.Client, $"/api/conversations/{id}/messages", new { content = "long" });
        Assert.Equal("context_too_long", conversation.OfType("error").Single().GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_hanging_upstream_times_out_with_a_clear_error()
    {
        _openAI.Enqueue(FakeReply.Hanging());
        var started = DateTime.UtcNow;
        var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = "hi", model = "openai/gpt-4o-mini" });
        Assert.Contains("did not answer in time", stream.OfType("error").Single().GetProperty("content").GetString());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }
}
