using Microsoft.Extensions.AI;

namespace Parley.Chat;

/// <summary>
/// Where a reply came from, as the pipeline marks it on responses and updates: the fallback model that answered instead
/// of the requested one (resilience), and whether it was replayed from the response cache. The one accessor every
/// layer and the runner use.
/// </summary>
public static class ReplyOrigin
{
    private const string AnsweredByKey = "parley.answered_by";
    private const string CacheKey = "parley.cache";
    private const string Hit = "hit";

    /// <summary>The fallback model (<c>provider/model</c>) that wrote <paramref name="properties"/>' owner, or null when the requested one did.</summary>
    public static string? AnsweredBy(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(AnsweredByKey, out var value) == true ? value as string : null;

    /// <summary>True when the response or update carrying <paramref name="properties"/> was replayed from the cache.</summary>
    public static bool IsCached(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(CacheKey, out var value) == true && Hit.Equals(value as string, StringComparison.Ordinal);

    public static string? AnsweredBy(this ChatResponseUpdate update) => AnsweredBy(update?.AdditionalProperties);

    public static string? AnsweredBy(this ChatResponse response) => AnsweredBy(response?.AdditionalProperties);

    public static bool IsCached(this ChatResponseUpdate update) => IsCached(update?.AdditionalProperties);

    public static bool IsCached(this ChatResponse response) => IsCached(response?.AdditionalProperties);

    /// <summary>Marks properties as written by the fallback <paramref name="model"/>.</summary>
    public static void SetAnsweredBy(AdditionalPropertiesDictionary properties, string model)
    {
        ArgumentNullException.ThrowIfNull(properties);
        properties[AnsweredByKey] = model;
    }

    /// <summary>Marks properties as replayed from the cache.</summary>
    public static void SetCached(AdditionalPropertiesDictionary properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        properties[CacheKey] = Hit;
    }
}
