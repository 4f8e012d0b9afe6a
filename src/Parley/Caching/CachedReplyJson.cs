using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Relay;

namespace Parley.Caching;

/// <summary>
/// A cached reply as stored bytes: its updates as Microsoft.Extensions.AI's JSON, plus what that JSON leaves out and the
/// replay needs: the relayed upstream bytes (<see cref="RelayPayload"/>, carried as an update's raw representation or
/// under <see cref="RelayPayload.PropertyKey"/>). Text properties come back as strings, so a replay still says which
/// fallback answered.
/// </summary>
internal static class CachedReplyJson
{
    private const int Version = 2;

    private static readonly JsonSerializerOptions Json = AIJsonUtilities.DefaultOptions;

    public static byte[] Serialize(IReadOnlyList<ChatResponseUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var plain = new List<ChatResponseUpdate>(updates.Count);
        var relayed = new List<(int Update, bool Property, RelayPayload Payload)>();
        for (var i = 0; i < updates.Count; i++)
        {
            var update = updates[i].Clone();
            update.RawRepresentation = null;
            if (updates[i].RawRepresentation is RelayPayload raw)
                relayed.Add((i, false, raw));
            if (update.AdditionalProperties?.TryGetValue(RelayPayload.PropertyKey, out var value) == true)
            {
                update.AdditionalProperties = new AdditionalPropertiesDictionary(update.AdditionalProperties);
                update.AdditionalProperties.Remove(RelayPayload.PropertyKey);
                if (value is RelayPayload property)
                    relayed.Add((i, true, property));
            }
            plain.Add(update);
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WritePropertyName("updates");
            JsonSerializer.Serialize(json, plain, Json);
            json.WriteStartArray("relayed");
            foreach (var (update, property, payload) in relayed)
            {
                json.WriteStartObject();
                json.WriteNumber("update", update);
                json.WriteBoolean("property", property);
                json.WriteBoolean("streamed", payload.Streamed);
                json.WriteBase64String("bytes", payload.Bytes.Span);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The updates stored in <paramref name="bytes"/>, or null when another version of Parley wrote them.</summary>
    public static List<ChatResponseUpdate>? Deserialize(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number
                || version.GetInt32() != Version)
                return null;
            var updates = root.GetProperty("updates").Deserialize<List<ChatResponseUpdate>>(Json);
            if (updates is null)
                return null;
            foreach (var update in updates)
                RestoreStrings(update.AdditionalProperties);
            foreach (var relayed in root.GetProperty("relayed").EnumerateArray())
            {
                var update = updates[relayed.GetProperty("update").GetInt32()];
                var payload = new RelayPayload(relayed.GetProperty("bytes").GetBytesFromBase64(), relayed.GetProperty("streamed").GetBoolean());
                if (relayed.GetProperty("property").GetBoolean())
                    (update.AdditionalProperties ??= [])[RelayPayload.PropertyKey] = payload;
                else
                    update.RawRepresentation = payload;
            }
            return updates;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static void RestoreStrings(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null)
            return;
        foreach (var (key, value) in properties.ToList())
        {
            if (value is JsonElement { ValueKind: JsonValueKind.String } text)
                properties[key] = text.GetString();
        }
    }
}
