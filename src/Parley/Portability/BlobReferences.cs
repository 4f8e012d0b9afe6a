using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Portability;

/// <summary>
/// Finds the stored blobs a message part points at without knowing the part's kind: any string property whose name
/// ends in <c>Id</c> (<c>imageId</c> today, a document's blob id tomorrow) is a candidate, except tool call ids.
/// Candidates that name no stored blob are left alone, so a new part kind needs no change here.
/// </summary>
internal static class BlobReferences
{
    public static IEnumerable<string> Candidates(JsonElement part)
    {
        if (part.ValueKind != JsonValueKind.Object)
            yield break;
        foreach (var property in part.EnumerateObject())
        {
            if (IsCandidate(property.Name) && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } value)
                yield return value;
        }
    }

    /// <summary>The part with every referenced blob id replaced through <paramref name="newIds"/>.</summary>
    public static JsonElement Rewrite(JsonElement part, IReadOnlyDictionary<string, string> newIds)
    {
        if (newIds.Count == 0 || !Candidates(part).Any(newIds.ContainsKey))
            return part;
        var node = JsonNode.Parse(part.GetRawText())!.AsObject();
        foreach (var (name, value) in node.ToList())
        {
            if (IsCandidate(name) && value is JsonValue v && v.TryGetValue<string>(out var id) && newIds.TryGetValue(id, out var replacement))
                node[name] = replacement;
        }
        return JsonSerializer.SerializeToElement(node);
    }

    private static bool IsCandidate(string name) =>
        name.EndsWith("Id", StringComparison.Ordinal) && !name.Equals("callId", StringComparison.OrdinalIgnoreCase);
}
