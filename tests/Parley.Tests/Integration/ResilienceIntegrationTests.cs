using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>
/// Retries, circuit breaker and fallbacks through the real server and the fake OpenAI upstream (short delays so every
/// test stays within a few seconds).
/// </summary>
public sealed class ResilienceIntegrationTests : OpenAIUpstreamFixture
{
    private Task<ParleyTestServer> StartAsync(Dictionary<string, string?>? resilience = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Parley:Resilience:MaxRetries"] = "2",
            ["Parley:Resilience:BaseDelay"] = "00:00:00.05",
            ["Parley:Resilience:MaxDelay"] = "00:00:00.2",
            ["Parley:Resilience:MaxRetryAfter"] = "00:00:03",
        };
        foreach (var (key, value) in resilience ?? [])
            settings[$"Parley:Resilience:{key}"] = value;
        return StartParleyAsync(settings);
    }

    private static Task<Sse.SseReply> ChatAsync(ParleyTestServer server, string message = "hi") =>
        Sse.PostAsync(server.Client, "/api/chat", new { message, model = Model });

    [Fact(Timeout = 10_000)]
    public async Task Transient_failures_are_retried_until_the_upstream_answers()
    {
        var server = await StartAsync();
        Upstream.Enqueue(FakeReply.Error(503, "overloaded"), FakeReply.Error(503, "overloaded"), FakeReply.Text("Hello ", "again"));

        var stream = await ChatAsync(server);

        Assert.Equal("Hello again", stream.Text);
        Assert.Empty(stream.OfType("error"));
        Assert.Equal(3, UpstreamCalls);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("parley_provider_retries_total{code=\"provider_unavailable\",model=\"openai/gpt-4o-mini\"} 2", metrics);
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_after_from_the_upstream_is_waited_for()
    {
        var server = await StartAsync();
        Upstream.Enqueue(FakeReply.Error(429, "slow down", retryAfter: TimeSpan.FromSeconds(1)), FakeReply.Text("ok"));

        var clock = Stopwatch.StartNew();
        var stream = await ChatAsync(server);

        Assert.Equal("ok", stream.Text);
        Assert.Equal(2, UpstreamCalls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed}");
    }

    [Fact(Timeout = 10_000)]
    public async Task Non_transient_errors_are_not_retried()
    {
        var server = await StartAsync();
        Upstream.Enqueue(FakeReply.Error(401, "Incorrect API key provided"), FakeReply.Text("never"));

        var stream = await ChatAsync(server);

        Assert.Contains("API key was rejected", stream.OfType("error").Single().GetProperty("content").GetString());
        Assert.Equal(1, UpstreamCalls);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_breaker_opens_after_the_threshold_fails_fast_and_half_opens_after_the_break()
    {
        var server = await StartAsync(new()
        {
            ["MaxRetries"] = "0", ["FailureThreshold"] = "2", ["FailureRatio"] = "1", ["BreakSeconds"] = "1",
        });
        Upstream.Enqueue(FakeReply.Error(503, "down"), FakeReply.Error(503, "down"));
        await ChatAsync(server);
        await ChatAsync(server);
        Assert.Equal(2, UpstreamCalls);

        var fast = await ChatAsync(server);
        Assert.Contains("circuit breaker is open", fast.OfType("error").Single().GetProperty("content").GetString());
        Assert.Equal(2, UpstreamCalls);
        Assert.Contains("parley_provider_breaker_open{model=\"openai/gpt-4o-mini\"} 1", await server.Client.GetStringAsync("/metrics"));

        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        Upstream.Enqueue(FakeReply.Text("back"));
        var trial = await ChatAsync(server);
        Assert.Equal("back", trial.Text);
        Assert.Equal(3, UpstreamCalls);
        Assert.Contains("parley_provider_breaker_open{model=\"openai/gpt-4o-mini\"} 0", await server.Client.GetStringAsync("/metrics"));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_failing_model_falls_back_and_the_reply_names_the_fallback()
    {
        var server = await StartAsync(new()
        {
            ["MaxRetries"] = "1",
            [$"Fallbacks:{Model}:0"] = "openai/gpt-4o",
            [$"Fallbacks:{Model}:1"] = "mock/echo",
        });
        // gpt-4o-mini: two attempts; gpt-4o: two attempts; then the mock answers.
        Upstream.Enqueue(FakeReply.Error(503, "down"), FakeReply.Error(502, "down"), FakeReply.Error(500, "down"), FakeReply.Error(503, "down"));
        var id = await server.CreateConversationAsync(new { model = Model });

        var stream = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = "echo me please" });

        Assert.Empty(stream.OfType("error"));
        Assert.Equal("echo me please", stream.Text);
        Assert.Equal(4, UpstreamCalls);
        Assert.Equal(["gpt-4o-mini", "gpt-4o-mini", "gpt-4o", "gpt-4o"],
            Upstream.Requests.Select(r => r.Root.GetProperty("model").GetString()));
        var stored = JsonDocument.Parse(await server.Client.GetStringAsync($"/api/conversations/{id}")).RootElement;
        var reply = stored.GetProperty("messages")[1];
        Assert.Equal("mock/echo", reply.GetProperty("model").GetString());
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.Contains("parley_provider_fallbacks_total{fallback=\"mock/echo\",model=\"openai/gpt-4o\"} 1", await server.Client.GetStringAsync("/metrics"));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_that_fails_after_its_first_token_is_neither_retried_nor_moved_to_a_fallback()
    {
        var server = await StartAsync(new() { [$"Fallbacks:{Model}:0"] = "mock/echo" });
        Upstream.Enqueue(FakeReply.MidStreamError(2, "Hel", "lo", " world"));

        var stream = await ChatAsync(server);

        Assert.Equal("Hello", stream.Text);
        Assert.Equal(1, UpstreamCalls);
        var types = stream.Types.ToList();
        Assert.Contains("error", types);
        Assert.True(types.LastIndexOf("text") < types.IndexOf("error"), string.Join(",", types));
    }

    [Fact(Timeout = 10_000)]
    public async Task Non_streaming_calls_are_retried_and_fall_back_too()
    {
        var server = await StartAsync(new() { ["MaxRetries"] = "1", [$"Fallbacks:{Model}:0"] = "mock/echo" });
        Upstream.Enqueue(FakeReply.Error(503, "down"), FakeReply.Error(503, "down"));

        var response = await server.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = Model, messages = new[] { new { role = "user", content = "plain answer" } } });

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("plain answer", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("mock/echo", body.GetProperty("model").GetString());
        Assert.Equal(2, UpstreamCalls);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_fallback_that_names_no_configured_model_stops_startup()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => StartAsync(new() { [$"Fallbacks:{Model}:0"] = "nowhere/model" }));

        Assert.Contains($"Parley:Resilience:Fallbacks:{Model} lists 'nowhere/model', which is not a configured model", error.Message);
    }
}
