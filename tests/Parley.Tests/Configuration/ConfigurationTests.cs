using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Documents;
using Parley.Errors;
using Parley.Providers;
using Parley.Replies;

namespace Parley.Tests.Configuration;

public sealed class ConfigurationTests
{
    private static IConfiguration Seed(Dictionary<string, string?> environment)
    {
        var builder = new ConfigurationBuilder();
        builder.AddSeedEnvironment(environment);
        return builder.Build();
    }

    [Fact]
    public void Seed_names_map_onto_parley_keys()
    {
        var config = Seed(new()
        {
            ["OPENAI_API_KEY"] = "sk-1", ["OPENAI_API_BASE"] = "http://127.0.0.1:11434/v1", ["OPENAI_MODEL"] = "llama3.2",
            ["OPENAI_MAX_TOKENS"] = "500", ["OPENAI_TEMPERATURE"] = "0.3", ["MAX_HISTORY_MESSAGES"] = "10",
            ["ANTHROPIC_API_KEY"] = "ak", ["HOST"] = "0.0.0.0", ["PORT"] = "8000",
        });

        Assert.Equal("sk-1", config["Parley:Providers:openai:ApiKey"]);
        Assert.Equal("openai", config["Parley:Providers:openai:Kind"]);
        Assert.Equal("http://127.0.0.1:11434/v1", config["Parley:Providers:openai:BaseUrl"]);
        Assert.Equal("llama3.2", config["Parley:Providers:openai:Models:0"]);
        Assert.Equal("500", config["Parley:MaxTokens"]);
        Assert.Equal("0.3", config["Parley:Temperature"]);
        Assert.Equal("10", config["Parley:MaxHistoryMessages"]);
        Assert.Equal("anthropic", config["Parley:Providers:anthropic:Kind"]);
        Assert.Equal("http://*:8000", config["urls"]);
    }

    [Fact]
    public void Port_alone_keeps_loopback()
    {
        Assert.Equal("http://127.0.0.1:9000", Seed(new() { ["PORT"] = "9000" })["urls"]);
        Assert.Null(Seed(new())["urls"]);
    }

    [Fact]
    public void Dot_env_files_parse_quotes_comments_and_export()
    {
        var values = DotEnvFile.Parse([
            "# comment", "OPENAI_API_KEY=sk-abc", "export PORT=8000", "OPENAI_MODEL=\"gpt-4o\"", "NAME='a # b'", "X=1 # trailing", "bad line",
        ]);
        Assert.Equal("sk-abc", values["OPENAI_API_KEY"]);
        Assert.Equal("8000", values["PORT"]);
        Assert.Equal("gpt-4o", values["OPENAI_MODEL"]);
        Assert.Equal("a # b", values["NAME"]);
        Assert.Equal("1", values["X"]);
        Assert.Equal(5, values.Count);
    }

    [Fact]
    public void The_catalog_resolves_aliases_bare_names_and_unlisted_models_of_real_providers()
    {
        var options = new ParleyOptions
        {
            Aliases = { ["fast"] = "openai/gpt-4o-mini" },
            Providers = { ["openai"] = new ProviderOptions { Kind = "openai", ApiKey = "k", Models = ["gpt-4o-mini"] } },
        };
        var catalog = new ModelCatalog(Options.Create(options));

        Assert.Equal("openai/gpt-4o-mini", catalog.Default.Id);
        Assert.Equal("openai/gpt-4o-mini", catalog.Resolve("fast").Id);
        Assert.Equal("openai/gpt-4o-mini", catalog.Resolve("gpt-4o-mini").Id);
        Assert.Equal("openai/o3", catalog.Resolve("openai/o3").Id);
        Assert.Equal("mock/echo", catalog.Resolve("mock/echo").Id);
        Assert.Equal(ErrorCodes.ModelNotFound, Assert.Throws<ParleyException>(() => catalog.Resolve("mock/unknown")).Code);
        Assert.Equal(ErrorCodes.ModelNotFound, Assert.Throws<ParleyException>(() => catalog.Resolve("nobody/x")).Code);
    }

    [Fact]
    public void Without_providers_the_default_is_the_mock()
    {
        var catalog = new ModelCatalog(Options.Create(new ParleyOptions()));
        Assert.Equal("mock/echo", catalog.Default.Id);
        Assert.True(catalog.Default.IsMock);
        Assert.Contains("mock", catalog.Default.DisplayName);
    }

    [Fact]
    public void Sections_checked_by_their_annotations_name_the_section_in_each_error()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Parley:Replies:MaxSeconds"] = "0",
            ["Parley:Documents:MaxExtractedChars"] = "0",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddParleyReplies();
        services.AddParleyDocuments();
        using var provider = services.BuildServiceProvider();

        var replies = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ReplyOptions>>().Value);
        Assert.Equal(["Parley:Replies: The field MaxSeconds must be between 1 and 86400."], replies.Failures);
        var documents = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DocumentOptions>>().Value);
        Assert.Equal(["Parley:Documents: The field MaxExtractedChars must be between 1 and 100000000."], documents.Failures);
    }

    [Fact]
    public void The_validator_names_each_bad_key()
    {
        var result = new ParleyOptionsValidator().Validate(null, new ParleyOptions
        {
            Temperature = 3,
            Providers = { ["x"] = new ProviderOptions { Kind = "gemini" }, ["a"] = new ProviderOptions { Kind = "anthropic" } },
        });
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Parley:Temperature (OPENAI_TEMPERATURE)"));
        Assert.Contains(result.Failures!, f => f.Contains("Parley:Providers:x:Kind"));
        Assert.Contains(result.Failures!, f => f.Contains("ANTHROPIC_API_KEY"));
    }
}
