using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley.Caching;

/// <summary>
/// Answers a call from <see cref="IResponseCache"/> when the same model got the same messages and output-changing
/// options before; otherwise calls the provider and stores its reply. A cached stream replays as a stream in its
/// original chunks. Only deterministic calls are cached (temperature 0, or <see cref="CacheOptions.Force"/>), and a
/// call opts out with <c>ChatOptions.AdditionalProperties["parley.cache"] = false</c>. Only a reply that completed
/// is stored, never a failed or cancelled one. Replies from the cache are marked (<see cref="Chat.ReplyOrigin.IsCached(ChatResponseUpdate)"/>), and their
/// usage content <c>cached = true</c>.
/// </summary>
public sealed class CachingChatClient(IChatClient innerClient, string model, IResponseCache cache, CacheOptions settings, CacheStatistics statistics)
    : DelegatingChatClient(innerClient)
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of the per-call opt-out.</summary>
    public const string Property = "parley.cache";

    /// <summary>Marks <paramref name="options"/> so the call neither reads nor fills the cache.</summary>
    public static void OptOut(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[Property] = false;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var key = KeyOf(list, options);
        if (key is null)
            return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);

        if (await cache.FindAsync(key).ConfigureAwait(false) is { } cached)
        {
            statistics.Hit(model);
            var hit = Replay(cached).ToChatResponse();
            Chat.ReplyOrigin.SetCached(hit.AdditionalProperties ??= []);
            return hit;
        }
        statistics.Miss(model);
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        await StoreAsync(key, response.ToChatResponseUpdates()).ConfigureAwait(false);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var key = KeyOf(list, options);
        if (key is null)
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
                yield return update;
            yield break;
        }

        if (await cache.FindAsync(key).ConfigureAwait(false) is { } cached)
        {
            statistics.Hit(model);
            foreach (var update in Replay(cached))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return update;
            }
            yield break;
        }

        statistics.Miss(model);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }
        // Reached only when the stream completed: a failure throws past this line, and a caller that stops early never resumes here.
        if (!cancellationToken.IsCancellationRequested)
            await StoreAsync(key, updates).ConfigureAwait(false);
    }

    private string? KeyOf(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(Property, out var flag) == true && flag is false or "false" or "no-cache")
            return null;
        var temperature = options?.Temperature;
        var deterministic = temperature is null ? settings.CacheUnsetTemperature : temperature <= 0;
        if (!deterministic && !settings.Force)
            return null;
        return ResponseCacheKey.Compute(model, messages, options);
    }

    private async Task StoreAsync(string key, IReadOnlyList<ChatResponseUpdate> updates)
    {
        var reply = CachedReply.From(updates);
        if (reply.Bytes > settings.MaxEntryBytes)
            return;
        await cache.StoreAsync(key, reply).ConfigureAwait(false);
        statistics.Stored(model);
    }

    private static IEnumerable<ChatResponseUpdate> Replay(CachedReply cached)
    {
        foreach (var original in cached.Updates)
        {
            var update = original.Clone();
            update.AdditionalProperties = original.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(original.AdditionalProperties);
            Chat.ReplyOrigin.SetCached(update.AdditionalProperties);
            update.Contents = [.. original.Contents.Select(MarkUsage)];
            yield return update;
        }
    }

    private static AIContent MarkUsage(AIContent content)
    {
        if (content is not UsageContent usage)
            return content;
        var marked = new UsageContent(usage.Details)
        {
            AdditionalProperties = usage.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(usage.AdditionalProperties),
        };
        marked.AdditionalProperties["cached"] = true;
        return marked;
    }
}
