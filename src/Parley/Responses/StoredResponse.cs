using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Parley.Responses;

/// <summary>
/// A stored <c>/v1/responses</c> response: who owns it, what it answered (<see cref="Response"/>, the object <c>GET</c>
/// returns), the request's <see cref="InputItems"/>, and the <see cref="History"/> a <c>previous_response_id</c> continues.
/// <see cref="RelayedBy"/>: the provider whose upstream made (and holds) it, when it was relayed.
/// </summary>
public sealed record StoredResponse(
    string Id, string Owner, JsonObject Response, JsonArray InputItems, IReadOnlyList<ChatMessage> History, string ModelId, DateTimeOffset At,
    string? RelayedBy = null)
{
    /// <summary>Largest stored form (response, input items and history as UTF-8 JSON); a larger response is answered but not stored.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    /// <summary>How long a stored response can be read and continued (OpenAI keeps them 30 days too); retention may delete it sooner.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
}
