namespace Parley.Configuration;

/// <summary>
/// Reads a <c>.env</c> file (KEY=value lines, # comments, optional quotes, optional "export ").
/// Written here because no .env package is in the registry copy this project builds from;
/// it is the small subset the seeds' .env.example files use.
/// </summary>
public static class DotEnvFile
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> lines)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.StartsWith("export ", StringComparison.Ordinal))
                line = line[7..].TrimStart();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                continue;
            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0])
                value = value[1..^1];
            else if (value.IndexOf(" #", StringComparison.Ordinal) is var comment and >= 0)
                value = value[..comment].TrimEnd();
            values[key] = value;
        }
        return values;
    }

    /// <summary>
    /// Copies the file's values into the process environment where a variable is not already set
    /// (real variables always win), so every configuration source sees them. Returns how many were set.
    /// </summary>
    public static int LoadIntoEnvironment(string path)
    {
        if (!File.Exists(path))
            return 0;
        var count = 0;
        foreach (var (key, value) in Parse(File.ReadAllLines(path)))
        {
            if (Environment.GetEnvironmentVariable(key) is null)
            {
                Environment.SetEnvironmentVariable(key, value);
                count++;
            }
        }
        return count;
    }

    public static Dictionary<string, string?> CurrentEnvironment()
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            values[(string)entry.Key] = entry.Value as string;
        return values;
    }
}
