using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Api.Usage;
using Parley.Conversations;
using Parley.Errors;
using Parley.Identity;
using Parley.Tests.Support;
using Parley.Usage;

namespace Parley.Tests.Usage;

/// <summary>Usage accounting through the real server: calls on every HTTP surface, then <c>/api/usage</c> and its CSV.</summary>
public sealed class UsageIntegrationTests : IAsyncLifetime
{
    private const string Model = "mock/echo";
    private ParleyTestServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private async Task<ParleyTestServer> StartAsync(Dictionary<string, string?>? settings = null, Dictionary<string, string?>? environment = null)
    {
        _server = await ParleyTestServer.StartAsync(settings, environment);
        return _server;
    }

    private static async Task FlushAsync(ParleyTestServer server) =>
        Assert.True(await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5)));

    private static TokenUsage OpenAIUsage(JsonElement usage) => new(
        usage.GetProperty("prompt_tokens").GetInt64(), usage.GetProperty("completion_tokens").GetInt64(), usage.GetProperty("total_tokens").GetInt64());

    private static async Task<TokenUsage> CompleteAsync(ParleyTestServer server, string message, double? temperature = null)
    {
        var response = await server.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = Model, temperature, messages = new[] { new { role = "user", content = message } } });
        response.EnsureSuccessStatusCode();
        return OpenAIUsage((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage"));
    }

    private static async Task<TokenUsage> StreamAsync(ParleyTestServer server, string message)
    {
        var reply = await Sse.PostAsync(server.Client, "/v1/chat/completions", new
        {
            model = Model, stream = true, stream_options = new { include_usage = true },
            messages = new[] { new { role = "user", content = message } },
        });
        var usage = reply.Events.Where(e => e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object).Select(e => e.GetProperty("usage"));
        return OpenAIUsage(Assert.Single(usage));
    }

    private static async Task<TokenUsage> ConversationAsync(ParleyTestServer server, string message)
    {
        var id = await server.CreateConversationAsync(new { model = Model });
        var reply = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = message });
        var usage = reply.OfType("usage").Select(e => e.GetProperty("content"))
            .Select(u => new TokenUsage(u.GetProperty("promptTokens").GetInt64(), u.GetProperty("completionTokens").GetInt64(), u.GetProperty("totalTokens").GetInt64()));
        return usage.Aggregate(new TokenUsage(0, 0, 0), (sum, u) => sum + u);
    }

    /// <summary>
    /// <c>/api/chat</c> does not report usage to its client, so its usage is read from an identical <c>/v1</c> call
    /// (the same single user message, no system prompt): both calls are counted.
    /// </summary>
    private static async Task<TokenUsage> ChatAndTwinAsync(ParleyTestServer server, string message)
    {
        var reply = await Sse.PostAsync(server.Client, "/api/chat", new { message, model = Model });
        Assert.Contains("text", reply.Types);
        var twin = await CompleteAsync(server, message);
        return twin + twin;
    }

    private static async Task<JsonElement> UsageAsync(ParleyTestServer server, string query)
    {
        var response = await server.Client.GetAsync($"/api/usage?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonElement Group(JsonElement report, string key) =>
        report.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == key);

    private static void AssertTokens(TokenUsage expected, JsonElement group)
    {
        Assert.Equal(expected.PromptTokens, group.GetProperty("promptTokens").GetInt64());
        Assert.Equal(expected.CompletionTokens, group.GetProperty("completionTokens").GetInt64());
        Assert.Equal(expected.TotalTokens, group.GetProperty("totalTokens").GetInt64());
    }

    [Fact]
    public async Task Totals_by_model_equal_the_sum_of_every_surfaces_reported_usage()
    {
        var server = await StartAsync();
        var expected = new TokenUsage(0, 0, 0);
        expected += await CompleteAsync(server, "alpha");
        expected += await CompleteAsync(server, "beta gamma delta, a somewhat longer message");
        expected += await StreamAsync(server, "streamed words here");
        expected += await ChatAndTwinAsync(server, "stateless one");
        expected += await ChatAndTwinAsync(server, "stateless two, longer");
        expected += await ConversationAsync(server, "a stored conversation");
        expected += await ConversationAsync(server, "another stored conversation with more words");
        await FlushAsync(server);

        var byModel = await UsageAsync(server, "groupBy=model");
        var echo = Group(byModel, Model);
        Assert.Equal(9, echo.GetProperty("requests").GetInt64());
        Assert.Equal(0, echo.GetProperty("errors").GetInt64());
        Assert.Equal(JsonValueKind.Null, echo.GetProperty("cost").ValueKind);
        Assert.True(echo.GetProperty("avgLatencyMs").GetDouble() >= 0);
        AssertTokens(expected, echo);
        AssertTokens(expected, byModel.GetProperty("totals"));
        Assert.Equal(9, byModel.GetProperty("totals").GetProperty("requests").GetInt64());

        var bySurface = await UsageAsync(server, "groupBy=surface");
        Assert.Equal(["chat", "conversations", "v1"], bySurface.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));
        Assert.Equal([2L, 2L, 5L], bySurface.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("requests").GetInt64()));

        var byDay = await UsageAsync(server, "groupBy=day");
        var day = Assert.Single(byDay.GetProperty("groups").EnumerateArray());
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day.GetProperty("key").GetString());
        AssertTokens(expected, day);

        var byOwner = await UsageAsync(server, "groupBy=owner");
        Assert.Equal("local", Assert.Single(byOwner.GetProperty("groups").EnumerateArray()).GetProperty("key").GetString());

        var tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Empty((await UsageAsync(server, $"from={tomorrow}")).GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task A_bots_calls_are_counted_for_its_user_on_the_bot_surface()
    {
        await using var platform = await Parley.Tests.Bots.FakePlatformServer.StartAsync();
        var server = await StartAsync(environment: new Dictionary<string, string?>
        {
            ["BUBBLETEA_API_KEY"] = "bt-secret-key", ["BUBBLETEA_API_URL"] = platform.BaseUrl,
        });
        using var body = JsonContent.Create(new { message = "hello bot", user_uuid = "u1", conversation_uuid = "conv-1" });
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client.PostAsync("/bots/gpt-assistant/webhook", body)).StatusCode);
        Assert.Single(await platform.WaitForDeliveriesAsync(1));
        await FlushAsync(server);

        var byOwner = await UsageAsync(server, "groupBy=owner");
        Assert.Equal(Parley.Bots.BotOwners.Of("gpt-assistant", "u1"), Assert.Single(byOwner.GetProperty("groups").EnumerateArray()).GetProperty("key").GetString());
        var bySurface = await UsageAsync(server, "groupBy=surface");
        Assert.Equal("bot", Assert.Single(bySurface.GetProperty("groups").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task A_failed_call_is_an_error_and_cost_comes_from_the_price_table()
    {
        var server = await StartAsync(new Dictionary<string, string?>
        {
            [$"Parley:Usage:Prices:{Model}:InputPerMillion"] = "2.5",
            [$"Parley:Usage:Prices:{Model}:OutputPerMillion"] = "10",
        });
        var ok = await CompleteAsync(server, "priced words");
        var failed = await server.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = Model, messages = new[] { new { role = "user", content = "[[mock:error 503]]" } } });
        Assert.False(failed.IsSuccessStatusCode);
        var failedStream = await Sse.PostAsync(server.Client, "/api/chat", new { message = "[[mock:error 503]]", model = Model });
        Assert.Contains("error", failedStream.Types);
        await FlushAsync(server);

        var echo = Group(await UsageAsync(server, "groupBy=model"), Model);
        Assert.Equal(3, echo.GetProperty("requests").GetInt64());
        Assert.Equal(2, echo.GetProperty("errors").GetInt64());
        var expectedCost = (ok.PromptTokens * 2.5 + ok.CompletionTokens * 10) / 1_000_000;
        Assert.Equal(expectedCost, echo.GetProperty("cost").GetDouble(), 12);
    }

    [Fact]
    public async Task A_cached_reply_is_counted_as_cached_and_costs_nothing()
    {
        var server = await StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Cache:Enabled"] = "true",
            [$"Parley:Usage:Prices:{Model}:InputPerMillion"] = "1",
            [$"Parley:Usage:Prices:{Model}:OutputPerMillion"] = "1",
        });
        var first = await CompleteAsync(server, "same question", temperature: 0);
        var second = await CompleteAsync(server, "same question", temperature: 0);
        await FlushAsync(server);

        var echo = Group(await UsageAsync(server, "groupBy=model"), Model);
        Assert.Equal(2, echo.GetProperty("requests").GetInt64());
        Assert.Equal(1, echo.GetProperty("cached").GetInt64());
        AssertTokens(first + second, echo);
        Assert.Equal(first.TotalTokens / 1_000_000.0, echo.GetProperty("cost").GetDouble(), 12);
    }

    [Fact]
    public async Task Csv_has_a_header_and_one_parsable_row_per_group()
    {
        var server = await StartAsync();
        var a = await CompleteAsync(server, "one");
        var b = await ConversationAsync(server, "two words");
        await FlushAsync(server);

        var response = await server.Client.GetAsync("/api/usage.csv?groupBy=surface");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("key,requests,promptTokens,completionTokens,totalTokens,cost,errors,cached,avgLatencyMs", lines[0]);
        var rows = lines[1..].Select(l => l.Split(',')).ToDictionary(f => f[0]);
        Assert.Equal(["conversations", "v1"], rows.Keys.Order());
        Assert.Equal(b.TotalTokens, long.Parse(rows["conversations"][4], CultureInfo.InvariantCulture));
        Assert.Equal(a.PromptTokens, long.Parse(rows["v1"][2], CultureInfo.InvariantCulture));
        Assert.Equal("1", rows["v1"][1]);
        Assert.Equal("", rows["v1"][5]);
        Assert.True(double.Parse(rows["v1"][8], CultureInfo.InvariantCulture) >= 0);
    }

    [Theory]
    [InlineData("/api/usage?groupBy=week", "groupBy")]
    [InlineData("/api/usage?from=yesterday", "from")]
    [InlineData("/api/usage?to=2026-13-45", "to")]
    [InlineData("/api/usage?from=2026-03-02&to=2026-03-01", "before")]
    [InlineData("/api/usage.csv?groupBy=apikey", "groupBy")]
    public async Task Bad_parameters_are_a_400_naming_the_problem(string path, string mentions)
    {
        var server = await StartAsync();
        var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ErrorCodes.InvalidRequest, problem.GetProperty("code").GetString());
        Assert.Contains(mentions, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_usage_records_nothing()
    {
        var server = await StartAsync(new Dictionary<string, string?> { ["Parley:Usage:Enabled"] = "false" });
        await CompleteAsync(server, "not counted");
        await FlushAsync(server);
        Assert.Empty((await UsageAsync(server, "groupBy=model")).GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task A_bad_price_stops_startup()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new Dictionary<string, string?>
        {
            [$"Parley:Usage:Prices:{Model}:InputPerMillion"] = "-1",
        }));
        Assert.Contains("Parley:Usage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signed_in_user_sees_only_their_own_rows_and_an_administrator_sees_all_or_one_owner()
    {
        var local = new DefaultHttpContext();
        Assert.Null(UsageApi.Parse(local, null, null, null).Owner);
        Assert.Equal("bob", UsageApi.Parse(local, null, null, null, owner: "Bob").Owner);

        var ann = new DefaultHttpContext();
        ann.Features.Set(new CallerIdentity("ann", IsAdmin: false, CallerIdentity.ViaSession));
        var query = UsageApi.Parse(ann, "2026-03-01", "2026-03-01", "owner");
        Assert.Equal("ann", query.Owner);
        Assert.Equal(UsageGroupBy.Owner, query.GroupBy);
        Assert.Equal(TimeSpan.FromDays(1), query.To - query.From);
        var refused = Assert.Throws<ParleyException>(() => UsageApi.Parse(ann, null, null, null, owner: "bob"));
        Assert.Equal(403, refused.Status);
        Assert.Equal("key", UsageApi.Parse(ann, null, null, "key").GroupBy.ToString().ToLowerInvariant());
    }
}
