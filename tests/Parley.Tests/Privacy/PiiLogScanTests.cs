using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Privacy;
using Parley.Tests.Bots;
using Parley.Tests.Support;

namespace Parley.Tests.Privacy;

/// <summary>
/// Feeds personal data and secrets through every surface with every log category captured at Trace, then greps the
/// logs: with content logging off none of it appears; with it on, only the redacted forms do.
/// </summary>
public sealed class PiiLogScanTests : IAsyncLifetime
{
    private const string Email = "jane.roe@example.org";
    private const string Phone = "+1 415-555-0132";
    private const string Card = "4111 1111 1111 1111";
    private const string ParleyKey = "pk_abcdefghijkl_S3cretS3cretS3cretValue";
    private const string OpenAIKey = "sk-proj-TESTabcdef1234567890xyz";
    private const string Pii = $"My email is {Email}, call me on {Phone}, card {Card}, keys {ParleyKey} and {OpenAIKey}.";

    /// <summary>The raw values and the telling pieces of each, so a reformatted copy is caught too.</summary>
    private static readonly string[] Forbidden =
    [
        Email, "jane.roe", Phone, "415-555-0132", "4155550132", Card, "4111111111111111", "4111-1111", ParleyKey, "S3cretS3cret",
        OpenAIKey, "TESTabcdef1234567890",
    ];

    private FakePlatformServer _platform = null!;

    public async Task InitializeAsync() => _platform = await FakePlatformServer.StartAsync();

    public async Task DisposeAsync() => await _platform.DisposeAsync();

    [Fact]
    public async Task With_content_logging_off_no_personal_data_reaches_any_log()
    {
        var logs = await FeedEverySurfaceAsync(includeContent: false);

        AssertNoRawPii(logs);
        Assert.DoesNotContain("(redacted)", logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_content_logging_on_only_redacted_content_is_logged_at_debug()
    {
        var logs = await FeedEverySurfaceAsync(includeContent: true);

        AssertNoRawPii(logs);
        var content = logs.Lines.Where(l => l.Contains("(redacted)", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(content);
        Assert.All(content, l => Assert.StartsWith("Debug Parley.Chat.ChatRunner", l, StringComparison.Ordinal));
        Assert.Contains(content, l => l.Contains("Prompt to mock/echo", StringComparison.Ordinal));
        Assert.Contains(content, l => l.Contains("Completion from mock/echo", StringComparison.Ordinal));
        foreach (var marker in new[] { Redactor.Email, Redactor.Phone, Redactor.Card, Redactor.ApiKey })
            Assert.Contains(content, l => l.Contains(marker, StringComparison.Ordinal));
    }

    private static void AssertNoRawPii(CapturingLoggerProvider logs)
    {
        Assert.True(logs.Lines.Count > 50, $"Only {logs.Lines.Count} log lines were captured; is Trace logging on?");
        var text = logs.AllText;
        foreach (var value in Forbidden)
        {
            var line = logs.Lines.FirstOrDefault(l => l.Contains(value, StringComparison.OrdinalIgnoreCase));
            Assert.True(line is null, $"'{value}' reached the log: {line}");
        }
        Assert.DoesNotContain(Email, text, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<CapturingLoggerProvider> FeedEverySurfaceAsync(bool includeContent)
    {
        var logs = new CapturingLoggerProvider();
        var environment = new Dictionary<string, string?> { ["BUBBLETEA_API_KEY"] = "bt-key", ["BUBBLETEA_API_URL"] = _platform.BaseUrl };
        var settings = new Dictionary<string, string?> { ["Parley:Logging:IncludeContent"] = includeContent ? "true" : "false" };
        await using (var server = await ParleyTestServer.StartAsync(settings, environment, configureServices: services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.Configure<LoggerFilterOptions>(o =>
            {
                o.MinLevel = LogLevel.Trace;
                o.Rules.Clear();
            });
        }))
        {
            var client = server.Client;
            var chat = new { model = "mock/echo", messages = new[] { new { role = "user", content = Pii } } };

            // OpenAI-compatible, whole and streamed, and a broken body that quotes the text.
            (await client.PostAsJsonAsync("/v1/chat/completions", chat)).EnsureSuccessStatusCode();
            var streamed = await client.PostAsJsonAsync("/v1/chat/completions", new { chat.model, chat.messages, stream = true });
            Assert.Contains("jane.roe", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var broken = await client.PostAsync("/v1/chat/completions",
                new StringContent("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + Pii + "\"", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            (await client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "[[mock:error 503]] " + Pii } } })).Dispose();

            // The stateless chat of seed 002.
            var stateless = await client.PostAsJsonAsync("/api/chat", new { message = Pii, system_prompt = "Contact " + Email, context = new { messages = Array.Empty<object>() } });
            Assert.Contains("jane.roe", await stateless.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Conversations: a system prompt, a title and a message with the data.
            var id = await server.CreateConversationAsync(new { systemPrompt = "Reach " + Phone, title = "Card " + Card });
            var sent = await client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = Pii });
            Assert.Contains("jane.roe", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            (await client.GetAsync($"/api/conversations?q={Uri.EscapeDataString("jane")}")).EnsureSuccessStatusCode();

            // A bot webhook, answered to the fake platform.
            var ack = await client.PostAsync("/bots/gpt-assistant/webhook",
                new StringContent(JsonSerializer.Serialize(new { message = Pii, user_uuid = "u-pii", conversation_uuid = "c-pii" }), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
            var delivery = Assert.Single(await _platform.WaitForDeliveriesAsync(1));
            Assert.Contains("jane.roe", delivery.Body.GetRawText(), StringComparison.Ordinal);

            // Failed authentication with a Parley-shaped key and an OpenAI key (from another machine's point of view: /v1 with a pk_ key is always checked).
            foreach (var token in new[] { ParleyKey, OpenAIKey, "Bearer-less " + Email })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(chat) };
                request.Headers.TryAddWithoutValidation("Authorization", token.StartsWith("Bearer-less", StringComparison.Ordinal) ? token : "Bearer " + token);
                using var refused = await client.SendAsync(request);
                if (token == ParleyKey)
                    Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
            using (var keyed = server.Services.GetRequiredService<IHttpClientFactory>().CreateClient())
            {
                keyed.BaseAddress = server.BaseAddress;
                keyed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ParleyKey);
                Assert.Equal(HttpStatusCode.Unauthorized, (await keyed.GetAsync("/api/conversations")).StatusCode);
            }
        }
        return logs;
    }
}
