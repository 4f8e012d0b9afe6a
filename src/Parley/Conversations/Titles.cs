namespace Parley.Conversations;

/// <summary>Automatic titles: the first user message cut on a word boundary, or a model's answer cleaned up.</summary>
public static class Titles
{
    private static readonly char[] Decoration = ['"', '\'', '`', '*', '_', '“', '”', '‘', '’', '«', '»'];

    public const int MaxLength = 60;

    public static string FromFirstMessage(string text)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length == 0)
            return "Image chat";
        if (line.Length <= MaxLength)
            return line;
        var cut = line.LastIndexOf(' ', MaxLength - 1);
        return (cut > MaxLength / 2 ? line[..cut] : line[..(MaxLength - 1)]).TrimEnd(',', '.', ';', ':') + "…";
    }

    /// <summary>
    /// A model's answer as a title: its first non-empty line without markdown marks, a "Title:" label, quotes or final
    /// punctuation, cut like <see cref="FromFirstMessage"/>; null when nothing is left.
    /// </summary>
    public static string? FromModelAnswer(string? answer)
    {
        var line = (answer ?? "").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        line = line.TrimStart('#', '-', '>', ' ').Trim();
        if (line.StartsWith("title:", StringComparison.OrdinalIgnoreCase))
            line = line[6..];
        line = line.Trim().Trim(Decoration).Trim().TrimEnd('.', '!', ':', ';', ',').Trim(Decoration).Trim();
        return line.Length == 0 ? null : FromFirstMessage(line);
    }
}
