namespace Parley.Providers.Llama;

/// <summary>
/// Cuts generated text at the first stop sequence. Text that could still turn into a stop sequence is held back until
/// the next piece decides it, so a client never sees part of a stop sequence.
/// </summary>
internal sealed class StopSequenceFilter(IReadOnlyList<string>? stops)
{
    private readonly string[] _stops = stops?.Where(s => s.Length > 0).ToArray() ?? [];
    private string _pending = "";

    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns what can be shown now.</summary>
    public string Push(string text)
    {
        if (Stopped)
            return "";
        if (_stops.Length == 0)
            return text;
        var buffer = _pending + text;
        var cut = -1;
        foreach (var stop in _stops)
        {
            var at = buffer.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
                cut = at;
        }
        if (cut >= 0)
        {
            Stopped = true;
            _pending = "";
            return buffer[..cut];
        }
        var hold = HeldBack(buffer, _stops);
        _pending = buffer[^hold..];
        return buffer[..^hold];
    }

    /// <summary>The text still held back, once generation ended without a stop sequence.</summary>
    public string Flush()
    {
        var rest = _pending;
        _pending = "";
        return Stopped ? "" : rest;
    }

    /// <summary>The length of the longest end of <paramref name="buffer"/> that is a proper prefix of one of <paramref name="markers"/>.</summary>
    internal static int HeldBack(string buffer, IEnumerable<string> markers)
    {
        var longest = 0;
        foreach (var stop in markers)
        {
            for (var length = Math.Min(stop.Length - 1, buffer.Length); length > longest; length--)
            {
                if (buffer.AsSpan(buffer.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}
