using System.Text.Json;
using Parley.Errors;

namespace Parley.Api;

/// <summary>
/// Typed reads of a JSON request body for the API surfaces that take foreign wire formats (Responses, Messages,
/// embeddings, completions): each failure is a 400 whose sentence names the field, as <c>input[2].content[0].text</c>.
/// </summary>
internal static class WireJson
{
    public static JsonElement RequireObject(JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Object ? element : throw Invalid(where, "must be a JSON object");

    public static string? String(JsonElement parent, string name, string where) =>
        !parent.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw Invalid(Path(where, name), "must be a string"),
        };

    public static string RequireString(JsonElement parent, string name, string where) =>
        String(parent, name, where) ?? throw Invalid(Path(where, name), "is required");

    public static double? Number(JsonElement parent, string name, string where, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number)
            throw Invalid(Path(where, name), "must be a number");
        var number = value.GetDouble();
        return number >= min && number <= max ? number : throw Invalid(Path(where, name), $"must be between {min} and {max}");
    }

    public static int? Integer(JsonElement parent, string name, string where, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            throw Invalid(Path(where, name), "must be an integer");
        return number >= min && number <= max ? number : throw Invalid(Path(where, name), $"must be between {min} and {max}");
    }

    public static bool? Bool(JsonElement parent, string name, string where) =>
        !parent.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw Invalid(Path(where, name), "must be true or false"),
        };

    /// <summary>Refuses top-level fields the surface does not know, so nothing a client asked for is silently dropped.</summary>
    public static void RefuseUnknown(JsonElement body, IReadOnlySet<string> known, string api)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!known.Contains(property.Name))
                throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"'{property.Name}': this parameter is not supported by Parley's {api}.");
        }
    }

    public static string Path(string where, string name) => where.Length == 0 ? name : $"{where}.{name}";

    public static ParleyException Invalid(string field, string problem) =>
        new(ErrorCodes.InvalidRequest, 400, $"'{field}' {problem}.");
}
