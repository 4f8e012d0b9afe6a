using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Compression;

/// <summary>
/// The summary travels as a second system message; Anthropic's API has a single <c>system</c> field, so this checks it
/// reaches a conversation on the Anthropic SDK with the system prompt (the summariser is the fake OpenAI upstream).
/// </summary>
public sealed class CompressionAnthropicTests : IAsyncLifetime
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
                ["Parley:Providers:anthropic:ContextWindowTokens"] = "1300",
                ["Parley:MaxTokens"] = "1000",
                ["Parley:Resilience:MaxRetries"] = "0",
                ["Parley:ContextCompression:Enabled"] = "true",
                ["Parley:ContextCompression:Model"] = "openai/gpt-4o-mini",
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

    [Fact(Timeout = 30_000)]
    public async Task The_summary_reaches_an_anthropic_model_next_to_the_system_prompt()
    {
        var id = await _server.CreateConversationAsync(new { model = "anthropic/claude-sonnet-4-5", systemPrompt = "SYSTEM-PROMPT-7" });
        _anthropic.Enqueue(FakeReply.Text("A1"), FakeReply.Text("A2"), FakeReply.Text("A3"));
        _openAI.Enqueue(FakeReply.Text("SUMMARY-ANTHROPIC"));

        for (var n = 1; n <= 3; n++)
        {
            var reply = await Sse.PostAsync(_server.Client, $"/api/conversations/{id}/messages", new { content = $"TAG-U{n} " + new string('w', 392) });
            Assert.Equal($"A{n}", reply.Text);
        }

        Assert.Single(_openAI.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        var sent = _anthropic.LastRequest;
        Assert.Contains("SUMMARY-ANTHROPIC", sent.Root.GetProperty("system").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("SYSTEM-PROMPT-7", sent.Root.GetProperty("system").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("TAG-U3", sent.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TAG-U1", sent.Body, StringComparison.Ordinal);
    }
}
