using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Parley.Portability;

/// <summary>Typed reads of an import file's fields; every failure names the field's JSON path.</summary>
internal static partial class JsonFields
{
    public static JsonElement Property(JsonElement obj, string name, string path)
    {
        if (obj.ValueKind != JsonValueKind.Object)
            throw ImportException.Invalid(path, "Expected an object");
        return obj.TryGetProperty(name, out var value) ? value : default;
    }

    public static bool Has(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public static JsonElement Object(JsonElement obj, string name, string path)
    {
        var value = Property(obj, name, path);
        return value.ValueKind == JsonValueKind.Object ? value : throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be an object");
    }

    public static JsonElement Array(JsonElement obj, string name, string path, bool optional = false)
    {
        var value = Property(obj, name, path);
        if (optional && value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return JsonSerializer.SerializeToElement(System.Array.Empty<object>());
        return value.ValueKind == JsonValueKind.Array ? value : throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be an array");
    }

    public static string String(JsonElement obj, string name, string path, int maxLength = 100_000_000)
    {
        var value = Property(obj, name, path);
        return value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= maxLength
            ? value.GetString()!
            : throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be a string of at most {maxLength} characters");
    }

    public static string? OptionalString(JsonElement obj, string name, string path, int maxLength = 100_000_000)
    {
        var value = Property(obj, name, path);
        return value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : String(obj, name, path, maxLength);
    }

    public static string Id(JsonElement obj, string name, string path)
    {
        var value = Property(obj, name, path);
        return value.ValueKind == JsonValueKind.String && IdPattern().IsMatch(value.GetString()!)
            ? value.GetString()!
            : throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be an id of 1 to 100 letters, digits, '_' or '-'");
    }

    public static bool IsId(string value) => IdPattern().IsMatch(value);

    public static bool Bool(JsonElement obj, string name, string path)
    {
        var value = Property(obj, name, path);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Undefined or JsonValueKind.Null => false,
            _ => throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be true or false"),
        };
    }

    public static double? OptionalNumber(JsonElement obj, string name, string path, double min, double max)
    {
        var value = Property(obj, name, path);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var n && n >= min && n <= max
            ? n
            : throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} or null");
    }

    public static DateTimeOffset Time(JsonElement obj, string name, string path)
    {
        var value = Property(obj, name, path);
        return value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds())
            : throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be an ISO 8601 date and time");
    }

    /// <summary>Unix seconds (ChatGPT's <c>create_time</c>), or null when absent.</summary>
    public static DateTimeOffset? UnixSeconds(JsonElement obj, string name, string path)
    {
        var value = Property(obj, name, path);
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var s && s is >= 0 and < 32_503_680_000
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000))
            : throw ImportException.Invalid($"{path}.{name}", $"'{name}' must be a Unix time in seconds or null");
    }

    /// <summary>Deserializes with the store's own JSON settings; a shape the store cannot read is refused with its path.</summary>
    public static T Deserialize<T>(JsonElement value, string path, string what)
    {
        try
        {
            return Storage.MessagePartsJson.Deserialize<T>(value.GetRawText()) ?? throw ImportException.Invalid(path, $"{what} must not be null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw ImportException.Invalid(path, $"{what} is not valid: {Reason(e)}");
        }
    }

    private static string Reason(Exception e)
    {
        var message = e.Message.Split(" Path:", 2)[0].ReplaceLineEndings(" ");
        return message.Length > 200 ? message[..200] : message;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex IdPattern();
}
