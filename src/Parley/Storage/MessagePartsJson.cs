using System.Text.Json;
using Parley.Conversations;

namespace Parley.Storage;

/// <summary>How message parts, usage, timings and errors are written into a store's text columns.</summary>
internal static class MessagePartsJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string? json) =>
        string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);

    public static string? SerializeOrNull<T>(T? value) where T : class =>
        value is null ? null : JsonSerializer.Serialize(value, Options);
}
