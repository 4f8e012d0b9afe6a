using CachingChatClient = Parley.Caching.CachingChatClient;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Caching;
using Parley.Observability;
using Parley.Tests.Tools;

namespace Parley.Tests.Caching;

public sealed class CachingChatClientTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ScriptedChatClient _provider = new();
    private readonly ManualClock _clock = new();

    public void Dispose() => _services.Dispose();

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private (CachingChatClient Client, MemoryResponseCache Cache, CacheStatistics Stats) Create(CacheOptions? options = null, string model = "mock/echo")
    {
        options ??= new CacheOptions { Enabled = true };
        var cache = new MemoryResponseCache(Options.Create(options), _clock);
        var stats = new CacheStatistics(cache, Options.Create(options), new ParleyMetrics(_services.GetRequiredService<IMeterFactory>()));
        return (new CachingChatClient(_provider, model, cache, options, stats), cache, stats);
    }

    private static List<ChatMessage> Ask(string text = "hi") => [new(ChatRole.User, text)];

    private static ChatOptions Deterministic() => new() { Temperature = 0 };

    [Fact]
    public async Task Second_identical_call_is_answered_from_the_cache()
    {
        var (client, cache, stats) = Create();
        _provider.ThenText("Hello");

        var first = await client.GetResponseAsync(Ask(), Deterministic());
        var second = await client.GetResponseAsync(Ask(), Deterministic());

        Assert.Single(_provider.Requests);
        Assert.Equal("Hello", first.Text);
        Assert.Equal("Hello", second.Text);
        Assert.False(Parley.Chat.ReplyOrigin.IsCached(first.AdditionalProperties));
        Assert.True(Parley.Chat.ReplyOrigin.IsCached(second.AdditionalProperties));
        Assert.Equal(25, second.Usage?.TotalTokenCount);
        Assert.Equal(1, cache.Count);
        Assert.Equal(new CacheStats(true, 1, 1, 1, 1, 0.5), (await stats.SnapshotAsync()));
    }

    [Fact]
    public async Task Cached_stream_replays_the_original_chunks_with_usage_marked()
    {
        var (client, _, _) = Create();
        _provider.StreamingTurns.Add((_, _) => Chunks("Hel", "lo ", "there"));

        var live = await Collect(client.GetStreamingResponseAsync(Ask(), Deterministic()));
        var replay = await Collect(client.GetStreamingResponseAsync(Ask(), Deterministic()));

        Assert.Single(_provider.Requests);
        Assert.Equal(live.Select(u => u.Text), replay.Select(u => u.Text));
        Assert.Equal(["Hel", "lo ", "there", ""], replay.Select(u => u.Text));
        Assert.All(replay, u => Assert.True(Parley.Chat.ReplyOrigin.IsCached(u.AdditionalProperties)));
        var usage = replay.SelectMany(u => u.Contents).OfType<UsageContent>().Single();
        Assert.Equal(true, usage.AdditionalProperties?["cached"]);
        Assert.Equal(ChatFinishReason.Stop, replay[^1].FinishReason);
        Assert.DoesNotContain(live.SelectMany(u => u.Contents).OfType<UsageContent>(), u => u.AdditionalProperties?.ContainsKey("cached") == true);
    }

    [Fact]
    public async Task A_non_streamed_reply_can_answer_a_stream_and_back()
    {
        var (client, _, _) = Create();
        _provider.ThenText("Once");

        await client.GetResponseAsync(Ask(), Deterministic());
        var replay = await Collect(client.GetStreamingResponseAsync(Ask(), Deterministic()));

        Assert.Single(_provider.Requests);
        Assert.Equal("Once", string.Concat(replay.Select(u => u.Text)));
    }

    [Fact]
    public async Task Different_model_messages_images_or_parameters_miss()
    {
        var (client, _, stats) = Create();
        var (other, _, _) = Create(model: "mock/markdown");
        for (var i = 0; i < 8; i++)
            _provider.ThenText($"reply {i}");

        await client.GetResponseAsync(Ask("a"), Deterministic());
        await client.GetResponseAsync(Ask("b"), Deterministic());
        await client.GetResponseAsync(Ask("a"), new ChatOptions { Temperature = 0, MaxOutputTokens = 10 });
        await client.GetResponseAsync(Ask("a"), new ChatOptions { Temperature = 0, StopSequences = ["x"] });
        await client.GetResponseAsync(Ask("a"), new ChatOptions { Temperature = 0, Seed = 1 });
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("a"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])], Deterministic());
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("a"), new DataContent(new byte[] { 1, 2, 4 }, "image/png")])], Deterministic());
        await other.GetResponseAsync(Ask("a"), Deterministic());

        Assert.Equal(8, _provider.Requests.Count);
        Assert.Equal(0, (await stats.SnapshotAsync()).Hits);
    }

    [Fact]
    public void Keys_are_stable_and_cover_tool_calls_and_results()
    {
        List<ChatMessage> WithResult(string result) =>
        [
            new(ChatRole.User, "time?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "current_time", new Dictionary<string, object?> { ["zone"] = "UTC" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", result)]),
        ];
        var options = Deterministic();
        Assert.Equal(ResponseCacheKey.Compute("m", WithResult("12:00"), options), ResponseCacheKey.Compute("m", WithResult("12:00"), Deterministic()));
        Assert.NotEqual(ResponseCacheKey.Compute("m", WithResult("12:00"), options), ResponseCacheKey.Compute("m", WithResult("12:01"), options));
        Assert.NotEqual(
            ResponseCacheKey.Compute("m", Ask(), new ChatOptions { Temperature = 0, Tools = [AIFunctionFactory.Create(() => 1, "one")] }),
            ResponseCacheKey.Compute("m", Ask(), new ChatOptions { Temperature = 0, Tools = [AIFunctionFactory.Create(() => 1, "two")] }));
        Assert.NotEqual(
            ResponseCacheKey.Compute("m", Ask(), new ChatOptions { Temperature = 0, ResponseFormat = ChatResponseFormat.Json }),
            ResponseCacheKey.Compute("m", Ask(), Deterministic()));
    }

    [Fact]
    public async Task Temperature_above_zero_or_unset_bypasses_unless_configured()
    {
        var (client, _, stats) = Create();
        for (var i = 0; i < 4; i++)
            _provider.ThenText("x");
        await client.GetResponseAsync(Ask(), new ChatOptions { Temperature = 0.7f });
        await client.GetResponseAsync(Ask(), new ChatOptions { Temperature = 0.7f });
        await client.GetResponseAsync(Ask(), new ChatOptions());
        await client.GetResponseAsync(Ask());
        Assert.Equal(4, _provider.Requests.Count);
        Assert.Equal(0, (await stats.SnapshotAsync()).Misses);

        var (forced, _, _) = Create(new CacheOptions { Enabled = true, Force = true });
        _provider.ThenText("y");
        await forced.GetResponseAsync(Ask(), new ChatOptions { Temperature = 0.7f });
        await forced.GetResponseAsync(Ask(), new ChatOptions { Temperature = 0.7f });
        Assert.Equal(5, _provider.Requests.Count);

        var (unset, _, _) = Create(new CacheOptions { Enabled = true, CacheUnsetTemperature = true });
        _provider.ThenText("z");
        await unset.GetResponseAsync(Ask(), new ChatOptions());
        await unset.GetResponseAsync(Ask(), new ChatOptions());
        Assert.Equal(6, _provider.Requests.Count);
    }

    [Fact]
    public async Task Per_call_opt_out_neither_reads_nor_fills()
    {
        var (client, cache, _) = Create();
        _provider.ThenText("a").ThenText("b");
        var optOut = Deterministic();
        CachingChatClient.OptOut(optOut);

        await client.GetResponseAsync(Ask(), optOut);
        Assert.Equal(0, cache.Count);
        await client.GetResponseAsync(Ask(), Deterministic());
        var cached = await client.GetResponseAsync(Ask(), Deterministic());
        var bypass = optOut.Clone();
        Assert.Equal("b", cached.Text);
        Assert.Equal(2, _provider.Requests.Count);
        _provider.ThenText("c");
        Assert.Equal("c", (await client.GetResponseAsync(Ask(), bypass)).Text);
    }

    [Fact]
    public async Task Failed_or_abandoned_streams_are_not_cached()
    {
        var (client, cache, _) = Create();
        _provider.StreamingTurns.Add((_, _) => Failing());
        _provider.StreamingTurns.Add((_, _) => Chunks("one", "two"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Collect(client.GetStreamingResponseAsync(Ask(), Deterministic())));
        Assert.Equal(0, cache.Count);

        await foreach (var update in client.GetStreamingResponseAsync(Ask(), Deterministic()))
            break;
        Assert.Equal(0, cache.Count);

        _provider.Then((_, _, _) => throw new InvalidOperationException("down"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Ask(), Deterministic()));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Entries_expire_after_the_ttl()
    {
        var (client, _, _) = Create(new CacheOptions { Enabled = true, TtlSeconds = 60 });
        _provider.ThenText("old").ThenText("new");

        await client.GetResponseAsync(Ask(), Deterministic());
        _clock.Now += TimeSpan.FromSeconds(59);
        Assert.Equal("old", (await client.GetResponseAsync(Ask(), Deterministic())).Text);
        _clock.Now += TimeSpan.FromSeconds(2);
        Assert.Equal("new", (await client.GetResponseAsync(Ask(), Deterministic())).Text);
        Assert.Equal(2, _provider.Requests.Count);
    }

    [Fact]
    public async Task The_least_recently_used_entry_is_evicted_beyond_max_entries()
    {
        var (client, cache, _) = Create(new CacheOptions { Enabled = true, MaxEntries = 2 });
        _provider.ThenText("A").ThenText("B").ThenText("C").ThenText("B2");

        await client.GetResponseAsync(Ask("a"), Deterministic());
        await client.GetResponseAsync(Ask("b"), Deterministic());
        await client.GetResponseAsync(Ask("a"), Deterministic()); // a is now the most recently used
        await client.GetResponseAsync(Ask("c"), Deterministic()); // evicts b

        Assert.Equal(2, cache.Count);
        Assert.Equal("A", (await client.GetResponseAsync(Ask("a"), Deterministic())).Text);
        Assert.Equal("B2", (await client.GetResponseAsync(Ask("b"), Deterministic())).Text);
        Assert.Equal(4, _provider.Requests.Count);
    }

    [Fact]
    public async Task Replies_larger_than_max_entry_bytes_are_not_cached()
    {
        var (client, cache, _) = Create(new CacheOptions { Enabled = true, MaxEntryBytes = 1024 });
        _provider.ThenText(new string('x', 2000));
        await client.GetResponseAsync(Ask(), Deterministic());
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Options_are_validated()
    {
        var validator = new CacheOptionsValidator();
        Assert.True(validator.Validate(null, new CacheOptions()).Succeeded);
        var failed = validator.Validate(null, new CacheOptions { TtlSeconds = 0, MaxEntries = 0 });
        Assert.True(failed.Failed);
        Assert.Contains("Parley:Cache", failed.FailureMessage, StringComparison.Ordinal);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Chunks(params string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { MessageId = "m1" };
        }
        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant, MessageId = "m1", FinishReason = ChatFinishReason.Stop,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 3, TotalTokenCount = 6 })],
        };
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing()
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "half");
        throw new InvalidOperationException("connection reset");
    }

    private static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
            list.Add(update);
        return list;
    }
}
