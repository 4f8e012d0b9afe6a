using System.Text.RegularExpressions;

namespace Parley.Tests.Operations;

/// <summary>The environment variable names docs/configuration.md documents: seed variables and <c>Parley__...</c> keys.</summary>
internal static partial class DocumentedSettings
{
    private static readonly Lazy<(HashSet<string> Names, List<Regex> Patterns)> Document = new(Load);

    /// <summary>Whether the reference documents this variable (a seed name, or a key pattern such as <c>Parley__Providers__{name}__ApiKey</c>).</summary>
    public static bool IsDocumented(string variable) =>
        Document.Value.Names.Contains(variable) || Document.Value.Patterns.Exists(p => p.IsMatch(variable));

    private static (HashSet<string>, List<Regex>) Load()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var patterns = new List<Regex>();
        foreach (var line in File.ReadLines(Path.Combine(DeployFiles.Root, "docs", "configuration.md")))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal))
                continue;
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            // Seed table: | `NAME` | sets |; settings tables: | `key` | `Environment__Variable` | type | ...
            var candidates = new[] { cells[1], cells.Length > 2 ? cells[2] : "" }.Where(c => c.StartsWith('`') && c.EndsWith('`')).Select(c => c.Trim('`'));
            foreach (var name in candidates.Where(c => !c.Contains(':', StringComparison.Ordinal)))
            {
                if (name.Contains('{', StringComparison.Ordinal))
                    patterns.Add(new Regex("^" + Placeholder().Replace(Regex.Escape(name).Replace(@"\{", "{", StringComparison.Ordinal), "[^_]+(?:_[^_]+)*?") + "$", RegexOptions.None, TimeSpan.FromSeconds(1)));
                else
                    names.Add(name);
            }
        }
        return (names, patterns);
    }

    [GeneratedRegex(@"\{(name|index)\}")]
    private static partial Regex Placeholder();
}
