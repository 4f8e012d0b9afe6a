namespace Parley.Conversations;

/// <summary>Automatic titles: the first user message, cut on a word boundary.</summary>
public static class Titles
{
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
}
