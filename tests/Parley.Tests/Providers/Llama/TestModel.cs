namespace Parley.Tests.Providers.Llama;

/// <summary>
/// The real 260K-parameter Llama model in shared/models (TinyStories, no chat template): beside the repository in CI,
/// further up for a git worktree.
/// </summary>
internal static class TestModel
{
    public static string Path
    {
        get
        {
            for (var folder = new DirectoryInfo(Operations.ConfigurationReferenceTests.RepositoryRoot()).Parent; folder is not null; folder = folder.Parent)
            {
                var path = System.IO.Path.Combine(folder.FullName, "shared", "models", "stories260K.gguf");
                if (File.Exists(path))
                    return path;
            }
            throw new FileNotFoundException("The test model shared/models/stories260K.gguf is not beside the repository.");
        }
    }

    public static Dictionary<string, string?> Settings(string provider = "llama", int parallel = 1, int maxQueue = 16, bool loadOnStartup = true, string? modelPath = null) => new()
    {
        [$"Parley:Providers:{provider}:Kind"] = "llama",
        [$"Parley:Providers:{provider}:ModelPath"] = modelPath ?? Path,
        [$"Parley:Providers:{provider}:Llama:ContextSize"] = "256",
        [$"Parley:Providers:{provider}:Llama:Threads"] = "1",
        [$"Parley:Providers:{provider}:Llama:Parallel"] = parallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"Parley:Providers:{provider}:Llama:MaxQueue"] = maxQueue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"Parley:Providers:{provider}:Llama:LoadOnStartup"] = loadOnStartup ? "true" : "false",
    };
}
