using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Parley.Configuration;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Bots;

/// <summary>
/// Seed 000 as BubbleTea calls a bot (bubbletea-chat 0.6's <c>POST /chat</c> and <c>GET /config</c>), run with the seed's
/// variables (BUBBLETEA_API_KEY, BUBBLETEA_API_URL, OPENAI_API_KEY) against a fake platform and a fake OpenAI upstream.
/// </summary>
public sealed partial class BubbleTeaContractTests : IAsyncLifetime
{
    private FakePlatformServer _platform = null!;
    private FakeOpenAIServer _openAI = null!;

    public async Task InitializeAsync()
    {
        _platform = await FakePlatformServer.StartAsync();
        _openAI = await FakeOpenAIServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    private Task<ParleyTestServer> StartAsync(Dictionary<string, string?>? variables = null, Dictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-seed-000",
            ["OPENAI_API_BASE"] = _openAI.BaseUrl,
            ["BUBBLETEA_API_KEY"] = "bt-key-000",
            ["BUBBLETEA_API_URL"] = _platform.BaseUrl,
        };
        foreach (var (key, value) in variables ?? [])
            environment[key] = value;
        var all = new Dictionary<string, string?> { ["Parley:Bots:RetryBaseDelay"] = "00:00:00.100" };
        foreach (var (key, value) in settings ?? [])
            all[key] = value;
        return ParleyTestServer.StartAsync(all, environment);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The SDK's ComponentChatRequest, every field set as the platform sends it.</summary>
    private const string SdkRequest = """
        {"type": "user", "message": "How do I read a file in Python?", "images": null,
         "user_uuid": "5f1c2b1e-8d44-4a0e-9a57-3c2f0e6d1a11", "conversation_uuid": "9b2e7c3a-1f0d-4c55-8e21-6a7d2b9c0e44",
         "user_email": "user@example.com", "chat_history": [{"sender": "user", "content": "hi"}], "thread_id": null}
        """;

    [Fact]
    public async Task Post_chat_acknowledges_with_components_then_posts_the_answer_to_the_platform_with_the_bearer_key()
    {
        await using var parley = await StartAsync();

        var ack = await parley.Client.PostAsync("/chat", Json(SdkRequest));

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var body = await ack.Content.ReadFromJsonAsync<JsonElement>();
        var component = Assert.Single(body.GetProperty("responses").EnumerateArray());
        Assert.Equal("text", component.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(component.GetProperty("content").GetString()));

        var delivery = Assert.Single(await _platform.WaitForDeliveriesAsync(1));
        Assert.Equal("/v1/developer/conversation/9b2e7c3a-1f0d-4c55-8e21-6a7d2b9c0e44/message", delivery.Path);
        Assert.Equal("Bearer bt-key-000", delivery.Authorization);
        Assert.Equal("agent", delivery.Body.GetProperty("sender").GetString());
        Assert.Equal("markdown", delivery.Body.GetProperty("content").GetProperty("type").GetString());
        Assert.Contains("How do I read a file in Python?", delivery.Body.GetProperty("content").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_seed_bots_defaults_are_gpt_4_a_thousand_tokens_and_temperature_0_7()
    {
        await using var parley = await StartAsync();

        await parley.Client.PostAsync("/chat", Json(SdkRequest));
        await _platform.WaitForDeliveriesAsync(1);

        var call = Assert.Single(_openAI.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Root;
        Assert.Equal("gpt-4", call.GetProperty("model").GetString());
        var cap = call.TryGetProperty("max_completion_tokens", out var completion) ? completion : call.GetProperty("max_tokens");
        Assert.Equal(1000, cap.GetInt32());
        Assert.Equal(0.7, call.GetProperty("temperature").GetDouble(), 3);
    }

    [Fact]
    public async Task The_seed_variables_override_the_bots_defaults()
    {
        await using var parley = await StartAsync(new() { ["OPENAI_MODEL"] = "gpt-4o", ["OPENAI_MAX_TOKENS"] = "200", ["OPENAI_TEMPERATURE"] = "0.2" });

        await parley.Client.PostAsync("/chat", Json(SdkRequest));
        await _platform.WaitForDeliveriesAsync(1);

        var call = Assert.Single(_openAI.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Root;
        Assert.Equal("gpt-4o", call.GetProperty("model").GetString());
        var cap = call.TryGetProperty("max_completion_tokens", out var completion) ? completion : call.GetProperty("max_tokens");
        Assert.Equal(200, cap.GetInt32());
        Assert.Equal(0.2, call.GetProperty("temperature").GetDouble(), 3);
    }

    [Fact]
    public async Task Get_config_returns_the_sdks_bot_config_at_the_root_and_under_the_bots_prefix()
    {
        await using var parley = await StartAsync();

        foreach (var path in new[] { "/config", "/bots/gpt-assistant/config" })
        {
            var config = await parley.Client.GetFromJsonAsync<JsonElement>(path);
            Assert.Matches(UrlSafe(), config.GetProperty("name").GetString()!);
            Assert.Equal("gpt-assistant", config.GetProperty("name").GetString());
            Assert.False(config.GetProperty("is_streaming").GetBoolean());
            Assert.InRange(config.GetProperty("display_name").GetString()!.Length, 1, 20);
            Assert.Equal("public", config.GetProperty("visibility").GetString());
            Assert.False(string.IsNullOrEmpty(config.GetProperty("initial_text").GetString()));
            Assert.Equal(JsonValueKind.Array, config.GetProperty("example_chats").ValueKind);
            var url = config.GetProperty("url").GetString()!;
            Assert.StartsWith(parley.BaseAddress.ToString().TrimEnd('/'), url, StringComparison.Ordinal);
            // The url is where the platform POSTs /chat for this bot.
            var ack = await parley.Client.PostAsync(url + "/chat", Json("""{"type": "user", "message": "ping", "conversation_uuid": "c-1"}"""));
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        }
    }

    [Fact]
    public async Task Several_bots_each_answer_under_their_own_prefix_with_their_own_key_and_config()
    {
        await using var parley = await StartAsync(settings: new()
        {
            ["Parley:Bots:Bots:tutor:Platform"] = "bubbletea",
            ["Parley:Bots:Bots:tutor:ApiKey"] = "bt-key-tutor",
            ["Parley:Bots:Bots:tutor:ApiUrl"] = _platform.BaseUrl,
            ["Parley:Bots:Bots:tutor:DisplayName"] = "Python Tutor",
            ["Parley:Bots:Bots:tutor:Model"] = "mock/echo",
            ["Parley:Bots:Bots:tutor:ExampleChats:0"] = "Explain decorators",
        });

        await parley.Client.PostAsync("/bots/tutor/chat", Json("""{"type": "user", "message": "for tutor", "conversation_uuid": "conv-tutor"}"""));
        await parley.Client.PostAsync("/bots/gpt-assistant/chat", Json("""{"type": "user", "message": "for assistant", "conversation_uuid": "conv-assistant"}"""));

        var deliveries = await _platform.WaitForDeliveriesAsync(2);
        var tutor = Assert.Single(deliveries, d => d.Path.Contains("conv-tutor", StringComparison.Ordinal));
        Assert.Equal("Bearer bt-key-tutor", tutor.Authorization);
        Assert.Contains("for tutor", tutor.Body.GetProperty("content").GetProperty("content").GetString(), StringComparison.Ordinal);
        var assistant = Assert.Single(deliveries, d => d.Path.Contains("conv-assistant", StringComparison.Ordinal));
        Assert.Equal("Bearer bt-key-000", assistant.Authorization);
        var config = await parley.Client.GetFromJsonAsync<JsonElement>("/bots/tutor/config");
        Assert.Equal("tutor", config.GetProperty("name").GetString());
        Assert.Equal("Python Tutor", config.GetProperty("display_name").GetString());
        Assert.Equal(["Explain decorators"], config.GetProperty("example_chats").EnumerateArray().Select(e => e.GetString()));
        Assert.EndsWith("/bots/tutor", config.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_conversation_to_post_to_the_answer_comes_in_the_response_and_user_uuid_is_optional()
    {
        await using var parley = await StartAsync(settings: new() { ["Parley:Bots:Bots:gpt-assistant:Model"] = "mock/echo" });

        var response = await parley.Client.PostAsync("/chat", Json("""{"type": "user", "message": "answer me here"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var component = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responses").EnumerateArray());
        Assert.Equal("markdown", component.GetProperty("type").GetString());
        Assert.Contains("answer me here", component.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Empty(_platform.Deliveries);
    }

    [Fact]
    public async Task A_streaming_bot_streams_components_and_ends_with_done()
    {
        await using var parley = await StartAsync(settings: new()
        {
            ["Parley:Bots:Bots:live:Platform"] = "bubbletea",
            ["Parley:Bots:Bots:live:IsStreaming"] = "true",
            ["Parley:Bots:Bots:live:Model"] = "mock/echo",
        });

        var config = await parley.Client.GetFromJsonAsync<JsonElement>("/bots/live/config");
        Assert.True(config.GetProperty("is_streaming").GetBoolean());
        var response = await parley.Client.PostAsync("/bots/live/chat", Json("""{"type": "user", "message": "stream this please", "user_uuid": "u"}"""));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var components = (await response.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement).ToList();
        Assert.Equal("done", components[^1].GetProperty("type").GetString());
        Assert.All(components[..^1], c => Assert.Equal("markdown", c.GetProperty("type").GetString()));
        Assert.Contains("stream this please", string.Concat(components[..^1].Select(c => c.GetProperty("content").GetString())), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"message": "no type"}""", "'type'")]
    [InlineData("""{"type": "bot", "message": "wrong type"}""", "'type'")]
    [InlineData("""{"type": "user", "message": "x", "conversation_uuid": "../../v1/developer/bots"}""", "'conversation_uuid'")]
    [InlineData("""{"type": "user", "message": "x", "conversation_uuid": "a/b"}""", "'conversation_uuid'")]
    [InlineData("""{"type": "user", "message": "x", "images": [{"mime_type": "image/png"}]}""", "images[0]")]
    [InlineData("""{"type": "user", "message": 5}""", "message")]
    public async Task Bad_requests_get_a_400_naming_the_field_and_nothing_is_posted(string body, string field)
    {
        await using var parley = await StartAsync();

        var response = await parley.Client.PostAsync("/chat", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.Empty(_platform.Deliveries);
    }

    [Fact]
    public void Appsettings_and_Parley__Bots__settings_are_not_overwritten_by_the_seed_variables()
    {
        var builder = new ConfigurationBuilder();
        // appsettings.json and Parley__Bots__… variables come before the seed layer, as in the host.
        builder.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Parley:Bots:Bots:gpt-assistant:DisplayName"] = "Study Buddy",
            ["Parley:Bots:Bots:gpt-assistant:WelcomeMessage"] = "Welcome back!",
            ["Parley:Bots:Bots:gpt-assistant:Temperature"] = "0.1",
        });
        builder.AddSeedEnvironment(new Dictionary<string, string?> { ["BUBBLETEA_API_KEY"] = "bt", ["OPENAI_API_KEY"] = "sk" });
        var config = builder.Build();

        Assert.Equal("Study Buddy", config["Parley:Bots:Bots:gpt-assistant:DisplayName"]);
        Assert.Equal("Welcome back!", config["Parley:Bots:Bots:gpt-assistant:WelcomeMessage"]);
        Assert.Equal("0.1", config["Parley:Bots:Bots:gpt-assistant:Temperature"]);
        Assert.Equal("bt", config["Parley:Bots:Bots:gpt-assistant:ApiKey"]);
        Assert.Equal("openai/gpt-4", config["Parley:Bots:Bots:gpt-assistant:Model"]);
        Assert.Equal("1000", config["Parley:Bots:Bots:gpt-assistant:MaxTokens"]);
    }

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex UrlSafe();
}
