using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Bots;
using Parley.Tests.Support;

namespace Parley.Tests.Bots;

/// <summary>Seed 000's flow against the real server: acknowledge at once, answer through the engine, deliver to the platform.</summary>
public sealed class BotWebhookTests : IAsyncLifetime
{
    private FakePlatformServer _platform = null!;

    public async Task InitializeAsync() => _platform = await FakePlatformServer.StartAsync();

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    private Task<ParleyTestServer> StartParleyAsync(string? secret = null, string? dataDirectory = null, Dictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?> { ["BUBBLETEA_API_KEY"] = "bt-secret-key", ["BUBBLETEA_API_URL"] = _platform.BaseUrl };
        if (secret is not null)
            environment["BUBBLETEA_WEBHOOK_SECRET"] = secret;
        var settings = new Dictionary<string, string?> { ["Parley:Bots:RetryBaseDelay"] = "00:00:00.100" };
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return ParleyTestServer.StartAsync(settings, environment, dataDirectory);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_message_is_acknowledged_then_answered_to_the_platform_with_the_bearer_key()
    {
        await using var parley = await StartParleyAsync();

        var ack = await parley.Client.PostAsync("/bots/gpt-assistant/webhook", Json(new { message = "hello bot", user_uuid = "u1", conversation_uuid = "conv-1" }));

        Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
        var threadId = (await ack.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("thread_id").GetString();
        Assert.False(string.IsNullOrEmpty(threadId));
        var delivery = Assert.Single(await _platform.WaitForDeliveriesAsync(1));
        Assert.Equal("/v1/developer/conversation/conv-1/message", delivery.Path);
        Assert.Equal("Bearer bt-secret-key", delivery.Authorization);
        Assert.Equal("agent", delivery.Body.GetProperty("sender").GetString());
        Assert.Equal("markdown", delivery.Body.GetProperty("content").GetProperty("type").GetString());
        Assert.Equal("hello bot", delivery.Body.GetProperty("content").GetProperty("content").GetString());
    }

    [Fact]
    public async Task One_conversation_per_user_thread_keeps_the_context()
    {
        await using var parley = await StartParleyAsync();
        var first = await parley.Client.PostAsync("/bots/gpt-assistant/webhook", Json(new { message = "one", user_uuid = "u1", conversation_uuid = "c" }));
        var threadId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("thread_id").GetString();
        await _platform.WaitForDeliveriesAsync(1);
        await parley.Client.PostAsync("/bots/gpt-assistant/webhook", Json(new { message = "two", user_uuid = "u1", thread_id = threadId, conversation_uuid = "c" }));
        await parley.Client.PostAsync("/bots/gpt-assistant/webhook", Json(new { message = "other", user_uuid = "u2", thread_id = threadId, conversation_uuid = "c" }));
        await _platform.WaitForDeliveriesAsync(3);

        var store = (Parley.Storage.IConversationStore)parley.Services.GetService(typeof(Parley.Storage.IConversationStore))!;
        var u1 = await store.ListConversationsAsync(BotOwners.Of("gpt-assistant", "u1"), new Parley.Storage.ConversationQuery());
        var conversation = Assert.Single(u1.Items).Conversation;
        Assert.Equal(["one", "one", "two", "two"], (await store.GetMessagesAsync(conversation.Id)).Select(m => m.Text));
        Assert.Single((await store.ListConversationsAsync(BotOwners.Of("gpt-assistant", "u2"), new Parley.Storage.ConversationQuery())).Items);
        Assert.Empty((await parley.Client.GetFromJsonAsync<JsonElement>("/api/conversations")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Delivery_is_retried_after_503_and_lands_once()
    {
        _platform.FailNext(2);
        await using var parley = await StartParleyAsync();
        await parley.Client.PostAsync("/bots/gpt-assistant/webhook", Json(new { message = "retry me", user_uuid = "u", conversation_uuid = "c" }));

        var deliveries = await _platform.WaitForDeliveriesAsync(1);
        await Task.Delay(500);
        Assert.Single(_platform.Deliveries);
        Assert.Equal(3, _platform.Attempts);
        Assert.Equal("retry me", deliveries[0].Body.GetProperty("content").GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_restart_between_acknowledgement_and_delivery_still_delivers_exactly_once()
    {
        var folder = Path.Combine(Path.GetTempPath(), "parley-bot-restart", Guid.NewGuid().ToString("N"));
        try
        {
            _platform.FailNext(int.MaxValue);
            await using (var first = await StartParleyAsync(dataDirectory: folder))
            {
                await first.Client.PostAsync("/bots/gpt-assistant/webhook", Json(new { message = "survive", user_uuid = "u", conversation_uuid = "c" }));
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
                while (_platform.Attempts == 0 && DateTime.UtcNow < deadline)
                    await Task.Delay(25);
                Assert.True(_platform.Attempts > 0, "the answer was never attempted before the restart");
            }
            Assert.Empty(_platform.Deliveries);

            _platform.FailNext(0);
            await using var second = await StartParleyAsync(dataDirectory: folder);
            var deliveries = await _platform.WaitForDeliveriesAsync(1);
            await Task.Delay(700);
            Assert.Single(_platform.Deliveries);
            Assert.Equal("survive", deliveries[0].Body.GetProperty("content").GetProperty("content").GetString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_message_not_yet_answered_when_the_server_stops_is_answered_after_the_restart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "parley-bot-restart", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await StartParleyAsync(dataDirectory: folder))
                await first.Client.PostAsync("/bots/gpt-assistant/webhook", Json(new { message = "slow [[mock:delay 5000]]", user_uuid = "u", conversation_uuid = "c" }));
            Assert.Empty(_platform.Deliveries);

            await using var second = await StartParleyAsync(dataDirectory: folder, extra: new() { ["Mock:FirstTokenDelayMs"] = "0" });
            var deliveries = await _platform.WaitForDeliveriesAsync(1, TimeSpan.FromSeconds(20));
            Assert.Equal("slow", Assert.Single(deliveries).Body.GetProperty("content").GetProperty("content").GetString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Signed_webhooks_are_checked_and_bad_signatures_do_no_work()
    {
        await using var parley = await StartParleyAsync(secret: "s3cret");
        var body = JsonSerializer.Serialize(new { message = "signed", user_uuid = "u", conversation_uuid = "c" });

        var unsigned = await parley.Client.PostAsync("/bots/gpt-assistant/webhook", new StringContent(body, Encoding.UTF8, "application/json"));
        var forged = new HttpRequestMessage(HttpMethod.Post, "/bots/gpt-assistant/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        forged.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign("wrong", Encoding.UTF8.GetBytes(body)));
        var forgedResponse = await parley.Client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedResponse.StatusCode);

        var signed = new HttpRequestMessage(HttpMethod.Post, "/bots/gpt-assistant/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        signed.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign("s3cret", Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.Accepted, (await parley.Client.SendAsync(signed)).StatusCode);
        Assert.Single(await _platform.WaitForDeliveriesAsync(1));
        await Task.Delay(300);
        Assert.Single(_platform.Deliveries);
    }

    [Theory]
    [InlineData("{\"user_uuid\":\"u\",\"conversation_uuid\":\"c\"}", "invalid_request")]
    [InlineData("{\"message\":\"hi\",\"conversation_uuid\":\"c\"}", "invalid_request")]
    [InlineData("not json", "invalid_json")]
    public async Task Malformed_webhooks_are_refused(string body, string code)
    {
        await using var parley = await StartParleyAsync();
        var response = await parley.Client.PostAsync("/bots/gpt-assistant/webhook", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await parley.Client.PostAsync("/bots/nobody/webhook", Json(new { message = "x" }))).StatusCode);
    }

    [Fact]
    public async Task The_config_endpoint_is_seed_000s_bot_config()
    {
        await using var parley = await StartParleyAsync();
        var config = await parley.Client.GetFromJsonAsync<JsonElement>("/bots/gpt-assistant/config");
        Assert.Equal("gpt-assistant", config.GetProperty("name").GetString());
        Assert.Equal("GPT Assistant", config.GetProperty("display_name").GetString());
        Assert.False(config.GetProperty("is_streaming").GetBoolean());
        Assert.Equal("public", config.GetProperty("visibility").GetString());
        Assert.False(string.IsNullOrEmpty(config.GetProperty("initial_text").GetString()));
    }

    [Fact]
    public async Task The_generic_webhook_delivers_to_an_allowed_callback_and_refuses_the_servers_own_network()
    {
        await using var parley = await StartParleyAsync(extra: new()
        {
            ["Parley:Bots:Bots:hooks:Platform"] = "webhook",
            ["Parley:Bots:MaxDeliveryAttempts"] = "2",
            ["Parley:Tools:AllowedNetworks:0"] = $"127.0.0.1:{_platform.Port}",
        });
        await using var internalService = await FakePlatformServer.StartAsync();

        var allowed = await parley.Client.PostAsync("/bots/hooks/webhook", Json(new { user_id = "u", message = "generic", callback_url = _platform.BaseUrl + "/hook" }));
        var blocked = await parley.Client.PostAsync("/bots/hooks/webhook", Json(new { user_id = "u", message = "ssrf", callback_url = internalService.BaseUrl + "/admin" }));

        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, blocked.StatusCode);
        var delivery = Assert.Single(await _platform.WaitForDeliveriesAsync(1));
        Assert.Equal("/hook", delivery.Path);
        Assert.Equal("generic", delivery.Body.GetProperty("reply").GetString());
        Assert.Equal("u", delivery.Body.GetProperty("user_id").GetString());
        await Task.Delay(1500);
        Assert.Equal(0, internalService.Attempts);
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_a_ceiling()
    {
        var first = BotWorker.Backoff(TimeSpan.FromSeconds(2), 1);
        var third = BotWorker.Backoff(TimeSpan.FromSeconds(2), 3);
        Assert.InRange(first.TotalSeconds, 1.6, 2.4);
        Assert.InRange(third.TotalSeconds, 6.4, 9.6);
        Assert.Equal(TimeSpan.FromMinutes(5), BotWorker.Backoff(TimeSpan.FromSeconds(2), 30));
    }
}
