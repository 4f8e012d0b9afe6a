using System.Buffers;
using System.Text.Json;

namespace Parley.Relay;

/// <summary>Byte-level edits of a JSON request body's top level, in one forward pass and without parsing the rest.</summary>
public static class RelayBody
{
    /// <summary>Where a top-level property's value lies in <paramref name="body"/> (start, length), or null when absent.</summary>
    public static (int Start, int Length)? FindValue(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (match)
                return (start, (int)reader.BytesConsumed - start);
        }
        return null;
    }

    /// <summary>Where a whole top-level member lies (its name, value and the comma after it), or null when absent.</summary>
    public static (int Start, int Length)? FindMember(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var match = reader.ValueTextEquals(name);
            reader.Read();
            reader.Skip();
            if (!match)
                continue;
            var end = (int)reader.BytesConsumed;
            var rest = body[end..];
            var comma = rest.IndexOfAnyExcept(" \t\r\n"u8);
            if (comma >= 0 && rest[comma] == (byte)',')
                end += comma + 1;
            return (start, end - start);
        }
        return null;
    }

    /// <summary>
    /// <paramref name="body"/> with the top-level <paramref name="name"/> set to the string <paramref name="value"/>
    /// (replaced where it is, or added first), and <paramref name="insertFirst"/> (raw JSON members, each followed by a comma) added first.
    /// </summary>
    public static byte[] SetString(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name, string value, ReadOnlySpan<byte> insertFirst = default)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + value.Length + insertFirst.Length + 32);
        var open = body.IndexOf((byte)'{');
        if (open < 0)
            throw new JsonException("The body is not a JSON object.");
        var found = FindValue(body, name);
        buffer.Write(body[..(open + 1)]);
        buffer.Write(insertFirst);
        if (found is not { } at)
        {
            var rest = body[(open + 1)..];
            WriteMember(buffer, name, value, comma: rest.TrimStart(" \t\r\n"u8) is not [(byte)'}', ..]);
            buffer.Write(rest);
            return buffer.WrittenSpan.ToArray();
        }
        buffer.Write(body[(open + 1)..at.Start]);
        WriteValue(buffer, value);
        buffer.Write(body[(at.Start + at.Length)..]);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMember(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> name, string value, bool comma)
    {
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStringValue(System.Text.Encoding.UTF8.GetString(name));
        }
        buffer.Write(":"u8);
        WriteValue(buffer, value);
        if (comma)
            buffer.Write(","u8);
    }

    private static void WriteValue(ArrayBufferWriter<byte> buffer, string value)
    {
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStringValue(value);
    }
}
