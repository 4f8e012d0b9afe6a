using System.Text.Json;
using Parley.Errors;

namespace Parley.Api;

/// <summary>
/// Typed reads of hand-parsed request bodies (<c>/v1</c>, <c>/api/chat</c>): every value of the wrong kind, out of range
/// or not representable is a 400 that names the field, never an exception from <see cref="JsonElement"/>.
/// </summary>
public static class RequestJson
{
    /// <summary>A number within [<paramref name="min"/>, <paramref name="max"/>]; null when absent or null.</summary>
    public static double? Number(JsonElement body, string name, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number)
            throw Invalid($"'{name}' must be a number.");
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number) || number < min || number > max)
            throw Invalid(min == double.MinValue && max == double.MaxValue ? $"'{name}' is out of range." : $"'{name}' must be between {min} and {max}.");
        return number;
    }

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>]; null when absent or null.</summary>
    public static long? WholeNumber(JsonElement body, string name, long min, long max)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            throw Invalid($"'{name}' must be a whole number between {min} and {max}.");
        if (number < min || number > max)
            throw Invalid($"'{name}' must be a whole number between {min} and {max}.");
        return number;
    }

    /// <summary>The text of a string value; a string with invalid UTF-8 or a lone surrogate is a 400 naming <paramref name="where"/>.</summary>
    public static string Text(JsonElement value, string where)
    {
        try
        {
            return value.GetString() ?? "";
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw Invalid($"'{where}' is not valid Unicode text (invalid UTF-8 or a lone surrogate).");
        }
    }

    /// <summary>
    /// Checks every string and property name in a body once, so later reads cannot fail on invalid UTF-8 or a lone
    /// surrogate; iterative, so nesting cannot exhaust the stack.
    /// </summary>
    public static void RequireValidText(JsonElement body)
    {
        var pending = new Stack<(JsonElement Value, string Path)>();
        pending.Push((body, "$"));
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    Text(value, path);
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                        pending.Push((item, $"{path}[{index++}]"));
                    break;
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        string name;
                        try
                        {
                            name = property.Name;
                        }
                        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                        {
                            throw Invalid($"A property name in '{path}' is not valid Unicode text.");
                        }
                        pending.Push((property.Value, $"{path}.{name}"));
                    }
                    break;
            }
        }
    }

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);
}
