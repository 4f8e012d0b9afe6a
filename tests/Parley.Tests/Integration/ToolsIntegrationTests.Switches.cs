using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Fakes;
using Parley.Tests.Support;
using Parley.Tests.Tools;
using Parley.Tools;

namespace Parley.Tests.Integration;

/// <summary>The tool list for the UI and per-conversation tool switches.</summary>
public sealed partial class ToolsIntegrationTests
{
    [Fact]
    public async Task Tools_are_listed_for_the_ui_and_switched_per_conversation()
    {
        await StartAsync("openai", new() { ["Parley:Tools:Calculator:EnabledByDefault"] = "false" });

        var listed = (await Client.GetFromJsonAsync<JsonElement>("/api/tools", Token)).GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(["web_search", "read_web_page", "current_time", "calculator"], listed.Select(t => t.GetProperty("name").GetString()));
        Assert.All(listed, t => Assert.Equal("built-in", t.GetProperty("source").GetString()));
        Assert.All(listed, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));
        Assert.Equal([true, true, true, false], listed.Select(t => t.GetProperty("enabledByDefault").GetBoolean()));

        // Defaults: the opt-in calculator is not offered.
        var id = await _server!.CreateConversationAsync(new { model = OpenAIModel });
        Assert.Null((await GetConversationAsync(id)).GetProperty("tools").GetString());
        await Sse.PostAsync(Client, $"/api/conversations/{id}/messages", new { content = "one" }, Token);
        Assert.Equal(["web_search", "read_web_page", "current_time"], ToolNamesOffered(_openAI.LastRequest, "openai"));

        // Chosen on create, changed and reset with PATCH.
        var chosen = await _server.CreateConversationAsync(new { model = OpenAIModel, tools = new[] { "calculator", "calculator" } });
        Assert.Equal(["calculator"], (await GetConversationAsync(chosen)).GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        await Sse.PostAsync(Client, $"/api/conversations/{chosen}/messages", new { content = "two" }, Token);
        Assert.Equal(["calculator"], ToolNamesOffered(_openAI.LastRequest, "openai"));

        var none = await Client.PatchAsJsonAsync($"/api/conversations/{chosen}", new { tools = Array.Empty<string>() }, Token);
        Assert.Equal(0, (await none.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("tools").GetArrayLength());
        await Sse.PostAsync(Client, $"/api/conversations/{chosen}/messages", new { content = "three" }, Token);
        Assert.False(_openAI.LastRequest.Root.TryGetProperty("tools", out _));

        var reset = await Client.PatchAsync($"/api/conversations/{chosen}", JsonContent.Create(JsonDocument.Parse("""{"tools": null}""").RootElement), Token);
        Assert.Equal(JsonValueKind.Null, (await reset.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("tools").ValueKind);
        await Sse.PostAsync(Client, $"/api/conversations/{chosen}/messages", new { content = "four" }, Token);
        Assert.Equal(["web_search", "read_web_page", "current_time"], ToolNamesOffered(_openAI.LastRequest, "openai"));

        // /api/chat takes the same switch.
        await Sse.PostAsync(Client, "/api/chat", new { message = "five", model = OpenAIModel, tools = new[] { "current_time", "calculator" } }, Token);
        Assert.Equal(["current_time", "calculator"], ToolNamesOffered(_openAI.LastRequest, "openai"));
    }

    [Fact]
    public async Task Unknown_tool_names_are_refused_naming_the_tool_and_the_available_ones()
    {
        await StartAsync("openai");
        var requests = _openAI.Requests.Count;
        var id = await _server!.CreateConversationAsync();

        var responses = new[]
        {
            await Client.PostAsJsonAsync("/api/conversations", new { tools = new[] { "calculator", "rm_rf" } }, Token),
            await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { tools = new[] { "rm_rf" } }, Token),
            await Client.PostAsJsonAsync("/api/chat", new { message = "hi", tools = new[] { "rm_rf" } }, Token),
        };

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
            Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
            var detail = problem.GetProperty("detail").GetString();
            Assert.Contains("'rm_rf'", detail, StringComparison.Ordinal);
            Assert.Contains("calculator", detail, StringComparison.Ordinal);
            Assert.Contains("read_web_page", detail, StringComparison.Ordinal);
        }

        var wrongShape = await Client.PatchAsJsonAsync($"/api/conversations/{id}", new { tools = "calculator" }, Token);
        Assert.Equal(HttpStatusCode.BadRequest, wrongShape.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await GetConversationAsync(id)).GetProperty("tools").ValueKind);
        Assert.Equal(requests, _openAI.Requests.Count);
    }
}
