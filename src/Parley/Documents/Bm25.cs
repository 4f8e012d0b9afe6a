using System.Text;

namespace Parley.Documents;

/// <summary>
/// Okapi BM25 over a handful of chunks (k1 = 1.2, b = 0.75), written here because no search library is
/// needed for this size: a chunk's score is the sum over the question's terms of idf × saturated term frequency.
/// </summary>
public static class Bm25
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "in", "is", "it", "its", "me",
        "my", "of", "on", "or", "say", "says", "tell", "that", "the", "this", "to", "was", "were", "what", "when", "where", "which",
        "who", "why", "with", "you", "your", "about", "document", "file",
    ];

    public static double[] Score(string question, IReadOnlyList<string> chunks)
    {
        var terms = Tokenize(question).Distinct().ToList();
        var scores = new double[chunks.Count];
        if (terms.Count == 0 || chunks.Count == 0)
            return scores;
        var documents = chunks.Select(c => Tokenize(c).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count())).ToList();
        var lengths = chunks.Select(c => Tokenize(c).Count()).ToArray();
        var averageLength = Math.Max(1, lengths.Average());
        foreach (var term in terms)
        {
            var containing = documents.Count(d => d.ContainsKey(term));
            if (containing == 0)
                continue;
            var idf = Math.Log(1 + (chunks.Count - containing + 0.5) / (containing + 0.5));
            for (var i = 0; i < documents.Count; i++)
            {
                if (!documents[i].TryGetValue(term, out var frequency))
                    continue;
                scores[i] += idf * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * lengths[i] / averageLength));
            }
        }
        return scores;
    }

    /// <summary>Lower-cased words of letters and digits, without common question words.</summary>
    public static IEnumerable<string> Tokenize(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }
            if (word.Length > 0 && Keep(word.ToString()) is { } w)
                yield return w;
            word.Clear();
        }
        if (word.Length > 0 && Keep(word.ToString()) is { } last)
            yield return last;
    }

    private static string? Keep(string word) => StopWords.Contains(word) ? null : word;
}
