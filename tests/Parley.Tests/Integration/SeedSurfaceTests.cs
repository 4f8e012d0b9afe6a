using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Seed 002's API_V1 and documented /api/chat; seed 001's health check (provider reachability, memory).</summary>
public sealed class SeedSurfaceTests
{
    [Fact]
    public async Task The_stateless_chat_answers_at_the_default_API_V1_prefix_too()
    {
        await using var server = await ParleyTestServer.StartAsync();

        foreach (var path in new[] { "/api/v1/chat", "/api/chat" })
        {
            var reply = await Sse.PostAsync(server.Client, path, new { message = "Hi there", system_prompt = "Be brief.", context = new { messages = Array.Empty<object>() } });
            Assert.True(reply.SawDone, path);
            Assert.Equal("Hi there", reply.Text);
            Assert.Single(reply.OfType("context_update"));
        }
    }

    [Fact]
    public async Task API_V1_moves_the_prefix()
    {
        await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?> { ["API_V1"] = "/backend/v2" });

        Assert.True((await Sse.PostAsync(server.Client, "/backend/v2/chat", new { message = "moved" })).SawDone);
        Assert.True((await Sse.PostAsync(server.Client, "/api/chat", new { message = "still here" })).SawDone);
    }

    [Fact]
    public async Task The_OpenAPI_document_types_the_chat_body_its_context_and_the_event_types()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var document = await server.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var post = document.GetProperty("paths").GetProperty("/api/chat").GetProperty("post");
        var body = Resolve(document, post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var properties = body.GetProperty("properties");
        foreach (var name in new[] { "message", "system_prompt", "context", "model", "images", "temperature", "max_tokens", "tools" })
            Assert.True(properties.TryGetProperty(name, out _), $"the body documents '{name}'");
        var context = Resolve(document, properties.GetProperty("context"));
        var messages = Resolve(document, context.GetProperty("properties").GetProperty("messages"));
        var message = Resolve(document, messages.GetProperty("items"));
        Assert.True(message.GetProperty("properties").TryGetProperty("role", out _));
        Assert.True(message.GetProperty("properties").TryGetProperty("content", out _));

        var stream = post.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/event-stream").GetProperty("schema");
        var text = Resolve(document, stream).GetRawText();
        foreach (var type in new[] { "text", "tool_start", "tool_end", "context_update", "error", "[DONE]" })
            Assert.Contains(type, text, StringComparison.Ordinal);
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/chat", out _));
    }

    [Fact]
    public async Task Health_reports_provider_reachability_cached_and_process_memory()
    {
        await using var openAI = await FakeOpenAIServer.StartAsync();
        await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-health", ["OPENAI_API_BASE"] = openAI.BaseUrl, ["ANTHROPIC_API_KEY"] = "ak", ["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:9",
        });

        var ready = await server.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        await server.Client.GetFromJsonAsync<JsonElement>("/health/ready");

        var providers = ready.GetProperty("checks").GetProperty("providers");
        Assert.Equal("degraded", providers.GetProperty("status").GetString());
        Assert.Contains("openai: reachable (200)", providers.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("anthropic: unreachable", providers.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var models = Assert.Single(openAI.Requests, r => r.Path == "/v1/models");
        Assert.Equal("Bearer sk-health", models.Header("Authorization"));
        var memory = ready.GetProperty("checks").GetProperty("memory");
        Assert.Equal("healthy", memory.GetProperty("status").GetString());
        Assert.Matches(@"^working set \d+ MB, managed heap \d+ MB", memory.GetProperty("description").GetString());
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        for (var i = 0; i < 5 && schema.TryGetProperty("$ref", out var reference); i++)
        {
            var node = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
                node = node.GetProperty(part);
            schema = node;
        }
        if (schema.TryGetProperty("anyOf", out var any) || schema.TryGetProperty("oneOf", out any))
            return Resolve(document, any.EnumerateArray().First(s => !(s.TryGetProperty("type", out var t) && t.GetString() == "null")));
        return schema;
    }
}
