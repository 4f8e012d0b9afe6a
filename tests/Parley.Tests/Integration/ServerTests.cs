using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class ServerTests
{
    [Fact]
    public async Task Health_reports_store_and_the_mock_default()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var health = await server.Client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("sqlite", health.GetProperty("store").GetProperty("kind").GetString());
        Assert.Equal("mock/echo", health.GetProperty("defaultModel").GetString());
        Assert.Contains(health.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("mock"));
        Assert.Equal(global::Parley.Api.Health.HealthApi.NoProviderWarning, health.GetProperty("providerWarning").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Health_has_no_provider_warning_when_a_real_provider_is_configured_even_with_a_mock_default()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Providers:openai:Kind"] = "openai",
            ["Parley:Providers:openai:ApiKey"] = "sk-not-used",
            ["Parley:Providers:openai:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Parley:DefaultModel"] = "mock/echo",
        });
        var health = await server.Client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("mock/echo", health.GetProperty("defaultModel").GetString());
        Assert.DoesNotContain(health.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("mock", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, health.GetProperty("providerWarning").ValueKind);
    }

    [Fact]
    public async Task Openapi_swagger_ui_and_redoc_are_served()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var document = await server.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/chat/completions", paths);
        Assert.Contains("/api/chat", paths);
        Assert.Contains("/api/conversations/{id}/messages", paths);
        Assert.Contains("swagger", await server.Client.GetStringAsync("/api/docs/index.html"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("redoc", await server.Client.GetStringAsync("/api/redoc/index.html"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Client_config_carries_function_headers_and_limits()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:FunctionHeaders:get_stock_price"] = "Fetching **stock price**...",
            ["Parley:PreloadedMessages:0:Role"] = "assistant",
            ["Parley:PreloadedMessages:0:Content"] = "How can I help?",
        });
        var config = await server.Client.GetFromJsonAsync<JsonElement>("/api/config");
        Assert.Equal("Fetching **stock price**...", config.GetProperty("functions").GetProperty("get_stock_price").GetString());
        Assert.Equal("How can I help?", config.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.True(config.GetProperty("limits").GetProperty("maxImageBytes").GetInt32() > 0);
    }

    [Fact]
    public async Task Oversize_bodies_are_refused_with_413()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:MaxRequestBodyBytes"] = "4096" });
        var id = await server.CreateConversationAsync();
        var response = await server.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = new string('x', 10_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body_too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Conversations_survive_a_restart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string id;
            await using (var first = await ParleyTestServer.StartAsync(dataDirectory: folder))
            {
                id = await first.CreateConversationAsync(new { systemPrompt = "Remember me." });
                await Sse.PostAsync(first.Client, $"/api/conversations/{id}/messages", new { content = "persist this" });
            }

            await using var second = await ParleyTestServer.StartAsync(dataDirectory: folder);
            var conversation = await second.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
            Assert.Equal("Remember me.", conversation.GetProperty("systemPrompt").GetString());
            Assert.Equal(["persist this", "persist this"], conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
            Assert.True(File.Exists(Path.Combine(folder, "parley.db")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("OPENAI_TEMPERATURE", "5", "Parley:Temperature (OPENAI_TEMPERATURE)")]
    [InlineData("MAX_HISTORY_MESSAGES", "lots", "Parley:MaxHistoryMessages")]
    [InlineData("PARLEY_DEFAULT_MODEL", "ghost/model", "Parley:DefaultModel")]
    [InlineData("VISION_MODEL", "ghost/eyes", "Parley:VisionModel (VISION_MODEL)")]
    public async Task Invalid_configuration_stops_startup_with_one_line_naming_the_key(string variable, string value, string expected)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll");
        var start = new ProcessStartInfo("dotnet", [server])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
            Environment = { [variable] = value, ["PORT"] = "0", ["HOST"] = "127.0.0.1", ["PARLEY_DATA_DIR"] = Path.Combine(Path.GetTempPath(), "parley-config-test") },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The server started despite invalid configuration.");
        }
        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("Parley cannot start:", line);
        Assert.Contains(expected, line);
    }
}
