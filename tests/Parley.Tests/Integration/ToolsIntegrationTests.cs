using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Fakes;
using Parley.Tests.Support;
using Parley.Tests.Tools;
using Parley.Tools;

namespace Parley.Tests.Integration;

/// <summary>
/// Tools, MCP and images end to end: client → Parley (real server) → official SDK → fake OpenAI or Anthropic upstream
/// scripted to call tools → Parley's tools (against local servers reachable only through the allowlist) → back.
/// Every server is on 127.0.0.1; every test is bounded by <see cref="Bound"/>.
/// </summary>
public sealed partial class ToolsIntegrationTests : IAsyncLifetime, IDisposable
{
    private const string OpenAIModel = "openai/gpt-4o-mini";
    private const string AnthropicModel = "anthropic/claude-sonnet-4-5";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    private readonly CancellationTokenSource _bound = new(Bound);
    private FakeOpenAIServer _openAI = null!;
    private FakeAnthropicServer _anthropic = null!;
    private LocalServer _forbidden = null!;
    private LocalServer _site = null!;
    private LocalServer _searx = null!;
    private ParleyTestServer? _server;

    private CancellationToken Token => _bound.Token;

    public async Task InitializeAsync()
    {
        _openAI = await FakeOpenAIServer.StartAsync();
        _anthropic = await FakeAnthropicServer.StartAsync();
        // Never allowlisted: it stands for the server's own network. Listens on both loopbacks so [::1] would reach it.
        _forbidden = await LocalServer.StartAsync(async context => await context.Response.WriteAsync("internal secret"), ipv6: true);
        _site = await LocalServer.StartAsync(SiteAsync);
        _searx = await LocalServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                query = context.Request.Query["q"].ToString(),
                results = new[] { new { url = _site.Url("/notes").ToString(), title = "Parley notes", content = "What shipped" } },
            }));
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        await _openAI.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _searx.DisposeAsync();
        await _site.DisposeAsync();
        await _forbidden.DisposeAsync();
    }

    public void Dispose() => _bound.Dispose();

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Search_then_read_streams_tool_start_and_tool_end_on_api_chat(string provider)
    {
        var (fake, model) = await StartAsync(provider);
        fake.Enqueue(
            FakeReply.Tools(new FakeToolCall("web_search", "call_s", """{"query":"parley release"}""")),
            FakeReply.Tools(new FakeToolCall("read_web_page", "call_r", Json(new { url = _site.Url("/notes").ToString() }))),
            FakeReply.Text("Parley 1.0 ", "ships tools."));

        var stream = await Sse.PostAsync(Client, "/api/chat", new { message = "search the web for parley and summarise the first result", model }, Token);

        Assert.Equal(["tool_start", "tool_end", "tool_start", "tool_end", "context_update"], stream.Types.Where(t => t != "text"));
        Assert.Equal("Parley 1.0 ships tools.", stream.Text);
        var starts = stream.OfType("tool_start").Select(e => e.GetProperty("content")).ToList();
        Assert.Equal(["web_search", "read_web_page"], starts.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("Searching the web for \"parley release\"", starts[0].GetProperty("action").GetString());
        var ends = stream.OfType("tool_end").Select(e => e.GetProperty("content").GetProperty("result").GetString()!).ToList();
        Assert.Contains($"URL: {_site.Url("/notes")}", ends[0], StringComparison.Ordinal);
        Assert.Contains("# Release notes", ends[1], StringComparison.Ordinal);
        Assert.Contains("Parley 1.0 ships tools.", ends[1], StringComparison.Ordinal);
        Assert.DoesNotContain("menu", ends[1], StringComparison.Ordinal);
        Assert.Equal(1, _searx.Hits);
        Assert.Equal(1, _site.Hits);

        var context = stream.OfType("context_update").Single().GetProperty("content").GetProperty("messages");
        Assert.Equal(["user", "assistant", "tool", "assistant", "tool", "assistant"], context.EnumerateArray().Select(m => m.GetProperty("role").GetString()));

        // The model saw each result in its own wire format, one round after the other.
        Assert.Equal(3, fake.Requests.Count);
        Assert.Equal(["call_s"], ToolResultsSent(fake.Requests[1], provider).Select(r => r.CallId));
        var read = Assert.Single(ToolResultsSent(fake.Requests[2], provider), r => r.CallId == "call_r");
        Assert.Contains("Parley 1.0 ships tools.", read.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Search_then_read_is_stored_as_tool_cards_on_conversations(string provider)
    {
        var (fake, model) = await StartAsync(provider);
        fake.Enqueue(
            FakeReply.Tools(new FakeToolCall("web_search", "call_s", """{"query":"parley release"}""")),
            FakeReply.Tools(new FakeToolCall("read_web_page", "call_r", Json(new { url = _site.Url("/notes").ToString() }))),
            FakeReply.Text("It ships tools."));
        var id = await _server!.CreateConversationAsync(new { model });

        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "search and summarise" }, Token);

        var start = stream.OfType("tool_start").First().GetProperty("content");
        Assert.Equal("call_s", start.GetProperty("id").GetString());
        Assert.Equal("parley release", start.GetProperty("arguments").GetProperty("query").GetString());
        Assert.All(stream.OfType("tool_end"), e => Assert.False(e.GetProperty("content").GetProperty("isError").GetBoolean()));

        var reply = (await GetConversationAsync(id)).GetProperty("messages")[1];
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.Equal(model, reply.GetProperty("model").GetString());
        var parts = reply.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["tool_call", "tool_result", "tool_call", "tool_result", "text"], parts.Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("parley release", parts[0].GetProperty("arguments").GetProperty("query").GetString());
        Assert.Equal(["web_search", "web_search", "read_web_page", "read_web_page"], parts.Take(4).Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("Parley 1.0 ships tools.", parts[3].GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal("It ships tools.", parts[4].GetProperty("text").GetString());

        // The stored tool cards are sent back to the model on the next turn.
        fake.Enqueue(FakeReply.Text("You're welcome."));
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "thanks" }, Token);
        Assert.Equal(["call_s", "call_r"], ToolResultsSent(fake.LastRequest, provider).Select(r => r.CallId));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Parallel_calls_in_one_round_all_run_and_return_together(string provider)
    {
        var (fake, model) = await StartAsync(provider);
        fake.Enqueue(
            FakeReply.Tools(
                new FakeToolCall("calculator", "call_a", """{"expression":"6*7"}"""),
                new FakeToolCall("calculator", "call_b", """{"expression":"2+3"}"""),
                new FakeToolCall("current_time", "call_c", """{"timezone":"UTC"}""")),
            FakeReply.Text("42, 5 and the time."));
        var id = await _server!.CreateConversationAsync(new { model });

        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "three things" }, Token);

        Assert.Equal(3, stream.OfType("tool_start").Count());
        var results = stream.OfType("tool_end").Select(e => e.GetProperty("content"))
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("result").GetString()!);
        Assert.Equal("42", results["call_a"]);
        Assert.Equal("5", results["call_b"]);
        Assert.Contains(DateTime.UtcNow.Year.ToString(CultureInfo.InvariantCulture), results["call_c"], StringComparison.Ordinal);
        Assert.Equal("42, 5 and the time.", stream.Text);

        Assert.Equal(2, fake.Requests.Count);
        var sent = ToolResultsSent(fake.LastRequest, provider);
        Assert.Equal(["call_a", "call_b", "call_c"], sent.Select(r => r.CallId).Order(StringComparer.Ordinal));
        Assert.Equal("42", sent.Single(r => r.CallId == "call_a").Content);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Unknown_tools_and_invalid_json_arguments_become_error_results_not_failures(string provider)
    {
        var (fake, model) = await StartAsync(provider);
        fake.Enqueue(
            FakeReply.Tools(
                new FakeToolCall("launch_rockets", "call_x", "{}"),
                new FakeToolCall("calculator", "call_j", """{"expression": "6*7" """)),
            FakeReply.Text("Sorry, the tools failed."));
        var id = await _server!.CreateConversationAsync(new { model });

        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "do it" }, Token);

        var ends = stream.OfType("tool_end").Select(e => e.GetProperty("content")).ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.All(ends.Values, e => Assert.True(e.GetProperty("isError").GetBoolean()));
        Assert.Contains("no tool named \"launch_rockets\"", ends["call_x"].GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Contains("calculator", ends["call_x"].GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", ends["call_j"].GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal("Sorry, the tools failed.", stream.Text);
        Assert.Empty(stream.OfType("error"));

        var reply = (await GetConversationAsync(id)).GetProperty("messages")[1];
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.All(ToolResultsSent(fake.LastRequest, provider), r => Assert.StartsWith("Error:", r.Content, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_tool_that_hangs_is_cut_off_at_the_tool_timeout(string provider)
    {
        var (fake, model) = await StartAsync(provider, new() { ["Parley:Tools:Loop:ToolTimeout"] = "00:00:02" });
        fake.Enqueue(
            FakeReply.Tools(new FakeToolCall("read_web_page", "call_slow", Json(new { url = _site.Url("/slow").ToString() }))),
            FakeReply.Text("It was too slow."));
        var started = DateTime.UtcNow;

        var stream = await Sse.PostAsync(Client, "/api/chat", new { message = "read the slow page", model }, Token);

        Assert.Contains("did not finish within 2 seconds", stream.OfType("tool_end").Single().GetProperty("content").GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Equal("It was too slow.", stream.Text);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_model_that_never_stops_calling_tools_stops_at_the_round_limit(string provider)
    {
        var (fake, model) = await StartAsync(provider);
        for (var i = 0; i < 3; i++)
            fake.Enqueue(FakeReply.Tools(new FakeToolCall("calculator", $"call_{i}", """{"expression":"1+1"}""")));
        var id = await _server!.CreateConversationAsync(new { model });

        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "loop forever" }, Token);

        Assert.Contains("Stopped after 2 tool rounds", stream.Text, StringComparison.Ordinal);
        Assert.Equal(2, stream.OfType("tool_end").Count());
        Assert.Equal(3, fake.Requests.Count);
        var reply = (await GetConversationAsync(id)).GetProperty("messages")[1];
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.Contains("Stopped after 2 tool rounds", reply.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task Ssrf_attempts_through_the_api_get_error_results_and_never_reach_the_server(string provider)
    {
        var (fake, model) = await StartAsync(provider);
        var port = _forbidden.Port;
        string[] urls =
        [
            $"http://127.0.0.1:{port}/", $"http://127.1.2.3:{port}/", $"http://localhost:{port}/", $"http://[::1]:{port}/",
            $"http://2130706433:{port}/", $"http://0x7f.1:{port}/", _site.Url("/to-forbidden").ToString(),
        ];
        fake.Enqueue(
            FakeReply.Tools([.. urls.Select((url, i) => new FakeToolCall("read_web_page", $"call_{i}", Json(new { url })))]),
            FakeReply.Text("I cannot read those."));

        var stream = await Sse.PostAsync(Client, "/api/chat", new { message = "read the admin pages", model }, Token);

        var results = stream.OfType("tool_end").Select(e => e.GetProperty("content").GetProperty("result").GetString()!).ToList();
        Assert.Equal(urls.Length, results.Count);
        Assert.All(results, r =>
        {
            Assert.StartsWith("Error:", r, StringComparison.Ordinal);
            Assert.Contains("restricted network", r, StringComparison.Ordinal);
            Assert.DoesNotContain("internal secret", r, StringComparison.Ordinal);
        });
        Assert.Equal(0, _forbidden.Hits);
        Assert.Equal(1, _site.Hits); // the redirect itself, from the allowlisted server
        Assert.Equal("I cannot read those.", stream.Text);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task An_mcp_stdio_tool_is_listed_and_called_through_the_api(string provider)
    {
        var (fake, model) = await StartAsync(provider, new()
        {
            ["Parley:Tools:Mcp:test:Command"] = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet",
            ["Parley:Tools:Mcp:test:Arguments:0"] = McpToolSourceTests.LocateTestServer(),
            ["Parley:Tools:Mcp:test:Environment:PARLEY_MCP_TEST_SUFFIX"] = "!",
            ["Parley:Tools:Mcp:test:ConnectTimeoutSeconds"] = "30",
        });
        await _server!.Services.GetRequiredService<McpToolSource>().WhenConnected.WaitAsync(TimeSpan.FromSeconds(30), Token);

        var tools = (await Client.GetFromJsonAsync<JsonElement>("/api/tools", Token)).GetProperty("tools").EnumerateArray().ToList();
        var echo = Assert.Single(tools, t => t.GetProperty("source").GetString() == "mcp");
        Assert.Equal("test__echo_upper", echo.GetProperty("name").GetString());
        Assert.Equal("test", echo.GetProperty("server").GetString());
        Assert.True(echo.GetProperty("enabledByDefault").GetBoolean());

        fake.Enqueue(
            FakeReply.Tools(new FakeToolCall("test__echo_upper", "call_m", """{"text":"hello mcp"}""")),
            FakeReply.Text("Done."));
        var id = await _server.CreateConversationAsync(new { model });
        var stream = await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "shout hello mcp" }, Token);

        Assert.Equal("HELLO MCP!", stream.OfType("tool_end").Single().GetProperty("content").GetProperty("result").GetString());
        Assert.Contains("test__echo_upper", ToolNamesOffered(fake.Requests[0], provider));
        Assert.Equal("HELLO MCP!", Assert.Single(ToolResultsSent(fake.LastRequest, provider)).Content);
        var parts = (await GetConversationAsync(id)).GetProperty("messages")[1].GetProperty("content");
        Assert.Equal("HELLO MCP!", parts[1].GetProperty("result").GetString());
    }

    private HttpClient Client => _server!.Client;

    /// <summary>Starts Parley against both fakes, with web search on the fake SearxNG and the two test servers allowlisted.</summary>
    private async Task<(FakeUpstreamServer Fake, string Model)> StartAsync(
        string provider, Dictionary<string, string?>? settings = null, Dictionary<string, string?>? environment = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Parley:Providers:anthropic:BaseUrl"] = _anthropic.BaseUrl,
            ["Parley:Providers:openai:TimeoutSeconds"] = "20",
            ["Parley:Providers:anthropic:TimeoutSeconds"] = "20",
            ["Parley:Tools:AllowedNetworks:0"] = $"127.0.0.1:{_site.Port}",
            ["Parley:Tools:AllowedNetworks:1"] = $"127.0.0.1:{_searx.Port}",
            ["Parley:Tools:WebSearch:Backend"] = "searxng",
            ["Parley:Tools:WebSearch:BaseUrl"] = _searx.Url().ToString(),
            ["Parley:Tools:ReadWebPage:TimeoutSeconds"] = "20",
            ["Parley:Tools:Loop:MaxRounds"] = "2",
        };
        foreach (var (key, value) in settings ?? [])
            all[key] = value;
        var env = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test",
            ["OPENAI_API_BASE"] = _openAI.BaseUrl,
            ["OPENAI_MODEL"] = "gpt-4o-mini",
            ["ANTHROPIC_API_KEY"] = "sk-ant-test",
        };
        foreach (var (key, value) in environment ?? [])
            env[key] = value;

        _server = await ParleyTestServer.StartAsync(all, env);
        return provider == "openai" ? (_openAI, OpenAIModel) : (_anthropic, AnthropicModel);
    }

    private async Task SiteAsync(HttpContext context)
    {
        switch (context.Request.Path.Value)
        {
            case "/notes":
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><nav>menu</nav><main><h1>Release notes</h1><p>Parley 1.0 ships tools.</p></main></body></html>");
                break;
            case "/to-forbidden":
                context.Response.Redirect($"http://127.0.0.1:{_forbidden.Port}/admin");
                break;
            case "/slow":
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private async Task<JsonElement> GetConversationAsync(string id) =>
        await Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}", Token);

    private static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>The tool results a request carried: OpenAI's <c>tool</c> messages or Anthropic's <c>tool_result</c> blocks.</summary>
    private static List<(string CallId, string Content)> ToolResultsSent(FakeRequest request, string provider)
    {
        var messages = request.Root.GetProperty("messages").EnumerateArray().ToList();
        if (provider == "openai")
        {
            return [.. messages.Where(m => m.GetProperty("role").GetString() == "tool")
                .Select(m => (m.GetProperty("tool_call_id").GetString()!, TextOf(m.GetProperty("content"))))];
        }

        return [.. messages.Where(m => m.GetProperty("content").ValueKind == JsonValueKind.Array)
            .SelectMany(m => m.GetProperty("content").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "tool_result")
            .Select(b => (b.GetProperty("tool_use_id").GetString()!, b.TryGetProperty("content", out var c) ? TextOf(c) : ""))];
    }

    private static List<string> ToolNamesOffered(FakeRequest request, string provider) =>
        !request.Root.TryGetProperty("tools", out var tools) ? []
        : provider == "openai" ? [.. tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)]
        : [.. tools.EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

    private static string TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Where(p => p.TryGetProperty("text", out _)).Select(p => p.GetProperty("text").GetString())),
        _ => content.GetRawText(),
    };
}
