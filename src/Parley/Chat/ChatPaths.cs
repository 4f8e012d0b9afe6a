using System.Text.RegularExpressions;

namespace Parley.Chat;

/// <summary>Checks configured URL prefixes (seed 002's API_V1) before routes are built from them.</summary>
public static partial class ChatPaths
{
    public static bool IsValidPrefix(string? prefix) => prefix is not null && Prefix().IsMatch(prefix);

    [GeneratedRegex("^(/[A-Za-z0-9_-]+)+/?$")]
    private static partial Regex Prefix();
}
