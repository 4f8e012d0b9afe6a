using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Parley.Configuration;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Configuration;

/// <summary>The seeds' variables that set more than one key, or come from files.</summary>
public sealed class SeedVariableTests
{
    private static IConfiguration Seed(Dictionary<string, string?> environment, Dictionary<string, string?>? appsettings = null)
    {
        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(appsettings ?? []);
        builder.AddSeedEnvironment(environment);
        return builder.Build();
    }

    [Fact]
    public void A_bare_VISION_MODEL_is_a_vision_model_of_OpenAI()
    {
        var config = Seed(new() { ["OPENAI_API_KEY"] = "sk", ["MODEL"] = "gpt-4o-mini", ["VISION_MODEL"] = "gpt-4o-latest" });

        Assert.Equal("openai/gpt-4o-latest", config["Parley:VisionModel"]);
        Assert.Equal("gpt-4o-latest", config["Parley:Providers:openai:VisionModels:0"]);
        Assert.Equal("gpt-4o-mini", config["Parley:Kafka:Model"]);
    }

    [Theory]
    [InlineData("DEBUG", "Debug")]
    [InlineData("INFO", "Information")]
    [InlineData("WARNING", "Warning")]
    [InlineData("ERROR", "Error")]
    [InlineData("CRITICAL", "Critical")]
    [InlineData("info", "Information")]
    public void LOG_LEVEL_sets_the_default_log_level(string value, string level) =>
        Assert.Equal(level, Seed(new() { ["LOG_LEVEL"] = value }, new() { ["Logging:LogLevel:Default"] = "Information" })["Logging:LogLevel:Default"]);

    [Fact]
    public void REDIS_URL_alone_makes_Redis_the_history_store_unless_DATABASE_URL_or_PARLEY_STORAGE_PROVIDER_says_otherwise()
    {
        Assert.Equal("redis", Seed(new() { ["REDIS_URL"] = "redis://127.0.0.1:6379/0" })["Parley:Storage:Provider"]);
        Assert.Null(Seed(new() { ["REDIS_URL"] = "redis://127.0.0.1:6379/0", ["DATABASE_URL"] = "postgres://u:p@h/db" })["Parley:Storage:Provider"]);
        Assert.Equal("sqlite", Seed(new() { ["REDIS_URL"] = "redis://127.0.0.1:6379/0", ["PARLEY_STORAGE_PROVIDER"] = "sqlite" })["Parley:Storage:Provider"]);
        Assert.Equal("sqlite", Seed(new() { ["REDIS_URL"] = "redis://127.0.0.1:6379/0" }, new() { ["Parley:Storage:Provider"] = "sqlite" })["Parley:Storage:Provider"]);
        Assert.Equal("memory", Seed(new() { ["PARLEY_STORAGE_PROVIDER"] = "memory" })["Parley:Storage:Provider"]);
    }

    [Fact]
    public void A_FILE_variable_names_a_file_that_holds_the_value_and_the_variable_itself_wins()
    {
        var secret = Path.GetTempFileName();
        try
        {
            File.WriteAllText(secret, "sk-from-file\n");
            Assert.Equal("sk-from-file", Seed(new() { ["OPENAI_API_KEY_FILE"] = secret })["Parley:Providers:openai:ApiKey"]);
            Assert.Equal("sk-direct", Seed(new() { ["OPENAI_API_KEY_FILE"] = secret, ["OPENAI_API_KEY"] = "sk-direct" })["Parley:Providers:openai:ApiKey"]);
            Assert.Equal("bt-from-file", Seed(new() { ["BUBBLETEA_API_KEY_FILE"] = WriteTemp("bt-from-file") })["Parley:Bots:Bots:gpt-assistant:ApiKey"]);
            Assert.Null(Seed(new() { ["SOMETHING_ELSE_FILE"] = secret })["SOMETHING_ELSE"]);

            var missing = Assert.Throws<ConfigurationException>(() => Seed(new() { ["OPENAI_API_KEY_FILE"] = "/nonexistent/openai-key" }));
            Assert.Contains("OPENAI_API_KEY_FILE", missing.Message, StringComparison.Ordinal);
            Assert.Contains("/nonexistent/openai-key", missing.Message, StringComparison.Ordinal);
            Assert.Equal(missing.Message, ConfigurationProblem.Describe(missing));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task OPENAI_API_KEY_FILE_is_the_key_Parley_sends_upstream()
    {
        await using var openAI = await FakeOpenAIServer.StartAsync();
        var secret = WriteTemp("sk-mounted-secret");
        try
        {
            await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?>
            {
                ["OPENAI_API_KEY_FILE"] = secret, ["OPENAI_API_BASE"] = openAI.BaseUrl,
            });

            var response = await server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "openai/gpt-4o-mini", messages = new[] { new { role = "user", content = "hi" } } });

            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            Assert.Equal("Bearer sk-mounted-secret", openAI.LastRequest.Header("Authorization"));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    private static string WriteTemp(string content)
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, content);
        return path;
    }
}
