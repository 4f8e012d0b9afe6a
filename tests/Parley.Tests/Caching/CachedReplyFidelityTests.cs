using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Caching;
using Parley.Chat;
using Parley.Observability;
using Parley.Relay;
using Parley.Tests.Tools;
using CachingChatClient = Parley.Caching.CachingChatClient;

namespace Parley.Tests.Caching;

/// <summary>What a replay keeps although the cache stores bytes: relayed upstream bytes and which fallback answered.</summary>
public sealed class CachedReplyFidelityTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ScriptedChatClient _provider = new();

    public void Dispose() => _services.Dispose();

    /// <summary>A client over the in-process cache, or (<paramref name="asBytes"/>) over one that hands back new arrays as Redis does.</summary>
    private CachingChatClient Create(bool asBytes, out MemoryResponseCache cache)
    {
        var options = new CacheOptions { Enabled = true };
        cache = new MemoryResponseCache(Options.Create(options), TimeProvider.System);
        var stats = new CacheStatistics(cache, Options.Create(options), new ParleyMetrics(_services.GetRequiredService<IMeterFactory>()));
        return new CachingChatClient(_provider, "openai/gpt-4o-mini", asBytes ? new CopyingCache(cache) : cache, options, stats);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_replayed_stream_carries_the_relayed_bytes_of_each_chunk_and_the_fallback_that_answered(bool asBytes)
    {
        var client = Create(asBytes, out var cache);
        _provider.StreamingTurns.Add((_, _) => Relayed("data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n"));

        var live = await Collect(client.GetStreamingResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { Temperature = 0 }));
        var replay = await Collect(client.GetStreamingResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { Temperature = 0 }));

        Assert.Single(_provider.Requests);
        Assert.Equal(1, cache.Count);
        Assert.Equal(Bytes(live), Bytes(replay));
        Assert.Equal("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n", Bytes(replay));
        Assert.All(replay, u => Assert.Equal("openai/gpt-4.1-mini", u.AnsweredBy()));
        Assert.All(replay, u => Assert.True(u.IsCached()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_replayed_plain_reply_carries_the_relayed_body(bool asBytes)
    {
        var client = Create(asBytes, out _);
        var body = new RelayPayload(Encoding.UTF8.GetBytes("{\"id\":\"chatcmpl-1\"}"), Streamed: false);
        _provider.Then((_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hi") { RawRepresentation = body })
        {
            RawRepresentation = body, AdditionalProperties = new() { [RelayPayload.PropertyKey] = body },
        }));

        await client.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { Temperature = 0 });
        var hit = await client.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { Temperature = 0 });

        Assert.True(hit.IsCached());
        Assert.Equal("Hi", hit.Text);
        var replayed = RelayPayload.Of(hit.AdditionalProperties?.GetValueOrDefault(RelayPayload.PropertyKey), streamed: false);
        Assert.Equal("{\"id\":\"chatcmpl-1\"}", Encoding.UTF8.GetString(replayed!.Value.Span));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Relayed(params string[] events)
    {
        foreach (var item in events)
        {
            await Task.Yield();
            var update = new ChatResponseUpdate(ChatRole.Assistant, item.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                RawRepresentation = new RelayPayload(Encoding.UTF8.GetBytes(item), Streamed: true),
                AdditionalProperties = [],
            };
            ReplyOrigin.SetAnsweredBy(update.AdditionalProperties, "openai/gpt-4.1-mini");
            yield return update;
        }
    }

    private static string Bytes(IEnumerable<ChatResponseUpdate> updates) =>
        string.Concat(updates.Select(u => RelayPayload.Of(u.RawRepresentation, streamed: true) is { } raw ? Encoding.UTF8.GetString(raw.Span) : ""));

    private sealed class CopyingCache(MemoryResponseCache inner) : IDistributedCache
    {
        public byte[]? Get(string key) => inner.Get(key)?.ToArray();

        public async Task<byte[]?> GetAsync(string key, CancellationToken token = default) => (await inner.GetAsync(key, token))?.ToArray();

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value.ToArray(), options);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
            inner.SetAsync(key, value.ToArray(), options, token);

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);
    }

    private static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
            list.Add(update);
        return list;
    }
}
