using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Parley.Api.Responses;

/// <summary>
/// A stored response: who owns it, what it answered, and the history a <c>previous_response_id</c> continues.
/// <see cref="RelayedBy"/>: the provider whose upstream made (and holds) it, when it was relayed.
/// </summary>
internal sealed record StoredResponse(
    string Id, string Owner, JsonObject Response, JsonArray InputItems, IReadOnlyList<ChatMessage> History, string ModelId, DateTimeOffset At,
    string? RelayedBy = null);

/// <summary>
/// Responses created with <c>store</c> (the default), kept in this process's memory for <c>GET</c>, <c>DELETE</c>,
/// <c>input_items</c> and <c>previous_response_id</c>. Every read is checked against the owner: another user's id answers
/// 404 as if it did not exist. Bounded: the oldest are forgotten beyond <see cref="Capacity"/>, and after <see cref="Lifetime"/>.
/// </summary>
public sealed class ResponseStore(TimeProvider time)
{
    public const int Capacity = 10_000;

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private readonly ConcurrentDictionary<string, StoredResponse> _responses = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    internal void Save(StoredResponse response)
    {
        _responses[response.Id] = response;
        _order.Enqueue(response.Id);
        while (_responses.Count > Capacity && _order.TryDequeue(out var oldest))
            _responses.TryRemove(oldest, out _);
    }

    internal StoredResponse? Find(string id, string owner) =>
        _responses.TryGetValue(id, out var stored) && stored.Owner == owner && time.GetUtcNow() - stored.At < Lifetime ? stored : null;

    internal bool Delete(string id, string owner) =>
        Find(id, owner) is not null && _responses.TryRemove(id, out _);
}
