using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>The response cache through the real server and the fake OpenAI upstream (temperature 0, cache on).</summary>
public sealed class CacheIntegrationTests : OpenAIUpstreamFixture
{
    private Task<ParleyTestServer> StartAsync(Dictionary<string, string?>? cache = null, string temperature = "0")
    {
        var settings = new Dictionary<string, string?> { ["Parley:Resilience:MaxRetries"] = "0", ["Parley:Cache:Enabled"] = "true" };
        foreach (var (key, value) in cache ?? [])
            settings[$"Parley:Cache:{key}"] = value;
        return StartParleyAsync(settings, new() { ["OPENAI_TEMPERATURE"] = temperature });
    }

    private static async Task<Sse.SseReply> PostAsync(ParleyTestServer server, string path, object body, string? cacheControl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (cacheControl is not null)
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await Sse.ReadAsync(response);
    }

    private static Task<Sse.SseReply> ChatAsync(ParleyTestServer server, string message = "hi", string? cacheControl = null, double? temperature = null) =>
        PostAsync(server, "/api/chat", new { message, model = Model, temperature }, cacheControl);

    private static async Task<JsonElement> CompleteAsync(ParleyTestServer server, string? cacheControl = null, double temperature = 0)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = Model, temperature, messages = new[] { new { role = "user", content = "capital of France?" } } }),
        };
        if (cacheControl is not null)
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        using var response = await server.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact(Timeout = 10_000)]
    public async Task A_repeated_stream_is_replayed_from_the_cache_without_reaching_the_upstream()
    {
        var server = await StartAsync();
        Upstream.Enqueue(FakeReply.Text("Hello ", "from ", "the cache"));

        var first = await ChatAsync(server);
        var second = await ChatAsync(server);

        Assert.Equal(1, UpstreamCalls);
        Assert.Equal("Hello from the cache", first.Text);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.OfType("text").Count(), second.OfType("text").Count());
        Assert.True(second.SawDone);
        Assert.Empty(second.OfType("error"));

        var stats = await server.Client.GetFromJsonAsync<JsonElement>("/api/cache");
        Assert.True(stats.GetProperty("enabled").GetBoolean());
        Assert.Equal(1, stats.GetProperty("entries").GetInt32());
        Assert.Equal(1, stats.GetProperty("hits").GetInt64());
        Assert.Equal(1, stats.GetProperty("misses").GetInt64());
        Assert.Equal(0.5, stats.GetProperty("hitRate").GetDouble());
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("parley_cache_hits_total{model=\"openai/gpt-4o-mini\"} 1", metrics);
        Assert.Contains("parley_cache_misses_total{model=\"openai/gpt-4o-mini\"} 1", metrics);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_repeated_completion_is_answered_from_the_cache_and_a_stream_shares_it()
    {
        var server = await StartAsync();
        Upstream.Enqueue(FakeReply.Text("Paris."));

        var first = await CompleteAsync(server);
        var second = await CompleteAsync(server);
        Assert.Equal(1, UpstreamCalls);
        Assert.Equal("Paris.", second.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(
            first.GetProperty("usage").GetProperty("total_tokens").GetInt32(),
            second.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        var stream = await PostAsync(server, "/v1/chat/completions",
            new { model = Model, temperature = 0, stream = true, messages = new[] { new { role = "user", content = "capital of France?" } } });
        Assert.Equal(1, UpstreamCalls);
        Assert.Contains("Paris.", stream.Raw, StringComparison.Ordinal);
        Assert.True(stream.SawDone);
    }

    [Fact(Timeout = 10_000)]
    public async Task Cache_control_no_cache_bypasses_on_every_surface()
    {
        var server = await StartAsync();
        await ChatAsync(server);
        Assert.Equal(1, UpstreamCalls);
        await ChatAsync(server, cacheControl: "no-cache");
        await ChatAsync(server, cacheControl: "no-store");
        Assert.Equal(3, UpstreamCalls);

        await CompleteAsync(server);
        await CompleteAsync(server, "no-cache");
        Assert.Equal(5, UpstreamCalls);

        var a = await server.CreateConversationAsync(new { model = Model, temperature = 0 });
        var b = await server.CreateConversationAsync(new { model = Model, temperature = 0 });
        var c = await server.CreateConversationAsync(new { model = Model, temperature = 0 });
        await PostAsync(server, $"/api/conversations/{a}/messages", new { content = "same question" });
        await PostAsync(server, $"/api/conversations/{b}/messages", new { content = "same question" });
        Assert.Equal(6, UpstreamCalls);
        await PostAsync(server, $"/api/conversations/{c}/messages", new { content = "same question" }, "no-cache");
        Assert.Equal(7, UpstreamCalls);
    }

    [Fact(Timeout = 10_000)]
    public async Task Different_temperature_or_messages_miss_and_temperature_above_zero_bypasses()
    {
        var server = await StartAsync();
        await ChatAsync(server, "one");
        await ChatAsync(server, "two");
        await ChatAsync(server, "one", temperature: 0.5);
        await ChatAsync(server, "one", temperature: 0.5);
        Assert.Equal(4, UpstreamCalls);
        await ChatAsync(server, "one");
        Assert.Equal(4, UpstreamCalls);
    }

    [Fact(Timeout = 10_000)]
    public async Task Forced_caching_covers_temperature_above_zero()
    {
        var server = await StartAsync(new() { ["Force"] = "true" }, temperature: "0.8");
        await ChatAsync(server);
        await ChatAsync(server);
        Assert.Equal(1, UpstreamCalls);
    }

    [Fact(Timeout = 10_000)]
    public async Task Failed_and_mid_stream_failed_replies_are_not_cached()
    {
        var server = await StartAsync();
        Upstream.Enqueue(FakeReply.Error(503, "down"), FakeReply.MidStreamError(1, "half ", "way"), FakeReply.Text("whole"));

        Assert.NotEmpty((await ChatAsync(server)).OfType("error"));
        Assert.NotEmpty((await ChatAsync(server)).OfType("error"));
        Assert.Equal("whole", (await ChatAsync(server)).Text);
        Assert.Equal("whole", (await ChatAsync(server)).Text);
        Assert.Equal(3, UpstreamCalls);
    }

    [Fact(Timeout = 10_000)]
    public async Task Entries_expire_and_the_max_entries_bound_evicts()
    {
        var server = await StartAsync(new() { ["TtlSeconds"] = "1", ["MaxEntries"] = "1" });
        await ChatAsync(server, "a");
        await ChatAsync(server, "a");
        Assert.Equal(1, UpstreamCalls);
        await ChatAsync(server, "b");
        await ChatAsync(server, "a");
        Assert.Equal(3, UpstreamCalls);
        Assert.Equal(1, (await server.Client.GetFromJsonAsync<JsonElement>("/api/cache")).GetProperty("entries").GetInt32());

        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        await ChatAsync(server, "a");
        Assert.Equal(4, UpstreamCalls);
    }

    [Fact(Timeout = 10_000)]
    public async Task Invalid_cache_options_stop_startup()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new() { ["TtlSeconds"] = "0" }));
        Assert.Contains("Parley:Cache", ex.Message, StringComparison.Ordinal);
    }
}
