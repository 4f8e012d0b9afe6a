namespace Parley.Relay;

/// <summary>Server-sent events framing, read over bytes: where an event ends and what its <c>event:</c> and <c>data:</c> fields hold.</summary>
internal static class SseEvents
{
    /// <summary>The length of the first complete event in <paramref name="buffer"/> including its blank line, or -1.</summary>
    public static int NextEventLength(ReadOnlySpan<byte> buffer)
    {
        for (var at = buffer.IndexOf((byte)'\n'); at >= 0 && at + 1 < buffer.Length;)
        {
            var next = buffer[(at + 1)..];
            if (next[0] == (byte)'\n')
                return at + 2;
            if (next[0] == (byte)'\r' && next.Length > 1 && next[1] == (byte)'\n')
                return at + 3;
            var following = next.IndexOf((byte)'\n');
            if (following < 0)
                return -1;
            at += 1 + following;
        }
        return -1;
    }

    /// <summary>
    /// The event's data, and its name in <paramref name="name"/>. Only single-line data is read without copying; several <c>data:</c> lines are
    /// joined with newlines, as the SSE spec says, into <paramref name="scratch"/>.
    /// </summary>
    public static ReadOnlySpan<byte> Parse(ReadOnlySpan<byte> eventBytes, ref byte[]? scratch, out ReadOnlySpan<byte> name)
    {
        ReadOnlySpan<byte> data = default;
        name = default;
        var dataLines = 0;
        var joined = 0;
        while (!eventBytes.IsEmpty)
        {
            var end = eventBytes.IndexOf((byte)'\n');
            var line = end < 0 ? eventBytes : eventBytes[..end];
            eventBytes = end < 0 ? default : eventBytes[(end + 1)..];
            if (line.Length > 0 && line[^1] == (byte)'\r')
                line = line[..^1];
            if (line.StartsWith("data:"u8))
            {
                var value = Value(line[5..]);
                if (dataLines++ == 0)
                {
                    data = value;
                    continue;
                }
                if (dataLines == 2)
                {
                    scratch = scratch is { } s && s.Length >= data.Length + value.Length + 1 ? s : new byte[Math.Max(1024, (data.Length + value.Length) * 2)];
                    data.CopyTo(scratch);
                    joined = data.Length;
                }
                if (scratch!.Length < joined + value.Length + 1)
                    Array.Resize(ref scratch, (joined + value.Length + 1) * 2);
                scratch[joined++] = (byte)'\n';
                value.CopyTo(scratch.AsSpan(joined));
                joined += value.Length;
                data = scratch.AsSpan(0, joined);
            }
            else if (line.StartsWith("event:"u8))
            {
                name = Value(line[6..]);
            }
        }
        return data;
    }

    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> field) => field is [(byte)' ', ..] ? field[1..] : field;
}
