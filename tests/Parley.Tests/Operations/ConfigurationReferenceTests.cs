using Parley.Configuration;

namespace Parley.Tests.Operations;

public sealed class ConfigurationReferenceTests
{
    private static readonly string DocPath = Path.Combine(RepositoryRoot(), "docs", "configuration.md");

    [Fact]
    public void The_reference_document_matches_the_options_classes()
    {
        var rendered = ConfigurationReference.Render();
        if (Environment.GetEnvironmentVariable("PARLEY_UPDATE_DOCS") == "1")
            File.WriteAllText(DocPath, rendered);

        Assert.True(File.Exists(DocPath), $"{DocPath} is missing; run with PARLEY_UPDATE_DOCS=1 to create it.");
        Assert.True(rendered == File.ReadAllText(DocPath),
            "docs/configuration.md is stale: regenerate it with PARLEY_UPDATE_DOCS=1 dotnet test tests/Parley.Tests --filter ConfigurationReference");
    }

    [Fact]
    public void Every_seed_variable_and_every_top_level_setting_is_documented()
    {
        var document = ConfigurationReference.Render();
        foreach (var (variable, key) in SeedEnvironment.DirectKeys)
        {
            Assert.Contains($"`{variable}`", document);
            Assert.Contains($"`{key}`", document);
        }
        foreach (var property in typeof(ParleyOptions).GetProperties())
            Assert.Contains($"`Parley:{property.Name}", document);
        Assert.Contains("| `Parley:MaxHistoryMessages` | `Parley__MaxHistoryMessages` | integer | `50` | `MAX_HISTORY_MESSAGES` |", document);
        Assert.Contains("`Parley:Providers:{name}:BaseUrl`", document);
        Assert.Contains("`Parley:Tools:Mcp:{name}:Command`", document);
    }

    internal static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        for (var folder = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Parley.slnx")))
                return folder.FullName;
        }
        throw new InvalidOperationException("Parley.slnx not found above the test sources.");
    }
}
