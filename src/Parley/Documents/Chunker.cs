using System.Text;

namespace Parley.Documents;

/// <summary>Splits text into chunks of about <c>maxChars</c>, at paragraph, then line, then word boundaries.</summary>
public static class Chunker
{
    public static List<string> Split(string text, int maxChars)
    {
        var chunks = new List<string>();
        var current = new StringBuilder();
        foreach (var piece in Pieces(text, maxChars))
        {
            if (current.Length > 0 && current.Length + piece.Length + 1 > maxChars)
            {
                chunks.Add(current.ToString().Trim());
                current.Clear();
            }
            current.Append(piece).Append('\n');
        }
        if (current.ToString().Trim() is { Length: > 0 } rest)
            chunks.Add(rest);
        return chunks;
    }

    private static IEnumerable<string> Pieces(string text, int maxChars)
    {
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var remaining = line;
            while (remaining.Length > maxChars)
            {
                var cut = remaining.LastIndexOf(' ', maxChars - 1);
                if (cut <= maxChars / 2)
                    cut = maxChars;
                yield return remaining[..cut];
                remaining = remaining[cut..].TrimStart();
            }
            yield return remaining;
        }
    }
}
