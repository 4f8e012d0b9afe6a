namespace Parley.Storage;

/// <summary>The text around a search hit, for result lists.</summary>
internal static class Snippets
{
    public static string Around(string text, string search, int width = 80)
    {
        var at = text.IndexOf(search, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
            return text.Length <= width ? text : text[..width] + "…";
        var start = Math.Max(0, at - width / 3);
        var end = Math.Min(text.Length, start + width);
        return (start > 0 ? "…" : "") + text[start..end].ReplaceLineEndings(" ") + (end < text.Length ? "…" : "");
    }
}
