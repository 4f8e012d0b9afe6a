using System.Net;
using System.Text.Json;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Gateway;

/// <summary>The pipeline's policies hold on the relay path: cache (raw bytes replayed), limits, budgets, usage rows, fallbacks before the first byte and none after.</summary>
public sealed class RelayPolicyTests : RelayFixture
{
    private const string Plain = """{"model":"openai/gpt-4o-mini","temperature":0,"logprobs":true,"messages":[{"role":"user","content":"capital of France?"}]}""";

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Parley:Cache:Enabled"] = "true",
        ["Parley:Resilience:Fallbacks:openai/gpt-4o-mini:0"] = "mock/echo",
        ["Parley:Limits:DailyTokenLimit"] = "60",
    };

    [Fact]
    public async Task A_cache_hit_replays_the_upstream_bytes_and_a_different_field_is_a_different_entry()
    {
        Upstream.Enqueue(RawAnswer.Json(WireSamples.EveryResponseField), RawAnswer.Json(WireSamples.EveryResponseField));

        var first = await (await PostAsync(Plain)).Content.ReadAsStringAsync();
        var second = await (await PostAsync(Plain)).Content.ReadAsStringAsync();
        await PostAsync(Plain.Replace("\"logprobs\":true", "\"logprobs\":false", StringComparison.Ordinal));

        Assert.Equal(WireSamples.EveryResponseField, first);
        Assert.Equal(first, second);
        Assert.Equal(2, Upstream.Requests.Count);
    }

    [Fact]
    public async Task A_streamed_cache_hit_replays_the_same_bytes()
    {
        var chunks = WireSamples.EveryChunkField();
        Upstream.Enqueue(RawAnswer.Events(chunks));
        var body = Plain.Replace("\"temperature\":0", "\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal);

        var first = await (await PostAsync(body)).Content.ReadAsStringAsync();
        var second = await (await PostAsync(body)).Content.ReadAsStringAsync();

        Assert.Equal(string.Concat(Frames(chunks)), first);
        Assert.Equal(first, second);
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task A_5xx_before_the_first_byte_falls_back_and_a_failure_after_it_does_not()
    {
        Upstream.Enqueue(RawAnswer.Json("""{"error":{"message":"overloaded","type":"server_error"}}""", 503));
        using var fellBack = await PostAsync("""{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"echo me"}]}""");
        var reply = await Sse.ReadAsync(fellBack);
        Assert.Contains("echo me", Text(reply), StringComparison.Ordinal);
        Assert.True(reply.SawDone);

        Upstream.Enqueue(RawAnswer.Events([WireSamples.TextChunk("half")], abort: true));
        using var cut = await PostAsync("""{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"echo me"}]}""");
        var broken = await Sse.ReadAsync(cut);
        Assert.DoesNotContain("echo me", Text(broken), StringComparison.Ordinal);
        Assert.Contains(broken.Events, e => e.TryGetProperty("error", out _));
        Assert.Equal(2, Upstream.Requests.Count);
    }

    [Fact]
    public async Task Relayed_usage_is_recorded_and_spends_the_daily_budget()
    {
        Upstream.Enqueue(RawAnswer.Json(WireSamples.EveryResponseField), RawAnswer.Json(WireSamples.EveryResponseField),
            RawAnswer.Json(WireSamples.EveryResponseField), RawAnswer.Json(WireSamples.EveryResponseField));
        HttpStatusCode status = HttpStatusCode.OK;
        var sent = 0;
        for (; sent < 8 && status == HttpStatusCode.OK; sent++)
            status = (await PostAsync($$"""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"q{{sent}}"}]}""")).StatusCode;

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(4, Upstream.Requests.Count); // 4 × 17 tokens > 60: the fifth request is refused before the upstream
        var totals = JsonDocument.Parse(await Server.Client.GetStringAsync("/api/usage?groupBy=model")).RootElement.GetProperty("totals");
        Assert.Equal(68, totals.GetProperty("totalTokens").GetInt32());
        Assert.Equal(20, totals.GetProperty("completionTokens").GetInt32());
    }

    private static string Text(Sse.SseReply reply) => string.Concat(reply.Events
        .Where(e => e.TryGetProperty("choices", out var c) && c.GetArrayLength() > 0)
        .Select(e => e.GetProperty("choices")[0].GetProperty("delta"))
        .Select(d => d.TryGetProperty("content", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : ""));
}
