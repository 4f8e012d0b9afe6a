using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Per-caller limits through the real server in the default single-user mode (the caller is <c>local</c>).</summary>
public sealed class LimitsIntegrationTests : IAsyncLifetime
{
    private ParleyTestServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private async Task<ParleyTestServer> StartAsync(Dictionary<string, string?>? environment = null, Dictionary<string, string?>? settings = null) =>
        _server = await ParleyTestServer.StartAsync(settings, environment);

    private static Task<HttpResponseMessage> CompleteAsync(ParleyTestServer server, string text = "hi", bool stream = false) =>
        server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", stream, messages = new[] { new { role = "user", content = text } } });

    private static async Task AssertRetryAfterAsync(HttpResponseMessage response, string code, int min, int max)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var seconds = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        Assert.NotNull(seconds);
        Assert.InRange(seconds!.Value, min, max);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/v1", StringComparison.Ordinal))
        {
            Assert.Equal("rate_limit_exceeded", body.GetProperty("error").GetProperty("type").GetString());
            Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetString());
        }
        else
        {
            Assert.Equal(code, body.GetProperty("code").GetString());
            Assert.Equal(429, body.GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task Requests_per_minute_alone_limits_v1_and_the_openai_sdk_sees_429()
    {
        var server = await StartAsync(new() { ["REQUESTS_PER_MINUTE"] = "4" });
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.OK, (await CompleteAsync(server)).StatusCode);

        await AssertRetryAfterAsync(await CompleteAsync(server), "rate_limited", 1, 60);

        var sdk = new ChatClient("mock/echo", new ApiKeyCredential("unused"),
            new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });
        var failure = await Assert.ThrowsAsync<ClientResultException>(() => sdk.CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(429, failure.Status);
    }

    [Fact]
    public async Task Requests_per_minute_limit_api_chat_and_conversations_without_storing_the_message()
    {
        var server = await StartAsync(new() { ["REQUESTS_PER_MINUTE"] = "4" });
        var id = await server.CreateConversationAsync();
        var first = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = "one" });
        await Sse.PostAsync(server.Client, "/api/chat", new { message = "two" });
        await Sse.PostAsync(server.Client, "/api/chat", new { message = "three" });
        await Sse.PostAsync(server.Client, "/api/chat", new { message = "four" });

        await AssertRetryAfterAsync(await server.Client.PostAsJsonAsync("/api/chat", new { message = "five" }), "rate_limited", 1, 60);
        await AssertRetryAfterAsync(await server.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "six" }), "rate_limited", 1, 60);

        var stored = await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var messages = stored.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(2, messages.Count);
        Assert.DoesNotContain(messages, m => m.GetProperty("text").GetString() == "six");

        var assistant = messages.Single(m => m.GetProperty("role").GetString() == "assistant").GetProperty("id").GetString();
        await AssertRetryAfterAsync(
            await server.Client.PostAsJsonAsync($"/api/conversations/{id}/messages/{assistant}/regenerate", new { }), "rate_limited", 1, 60);
        Assert.Equal(2, (await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages").GetArrayLength());
        Assert.NotNull(first);
    }

    [Fact]
    public async Task A_concurrent_burst_of_20_lets_exactly_4_through()
    {
        var server = await StartAsync(new() { ["REQUESTS_PER_MINUTE"] = "4" });
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => CompleteAsync(server, $"burst {i}")));

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(16, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.NotNull(r.Headers.RetryAfter));
    }

    [Fact]
    public async Task An_exhausted_daily_budget_answers_429_until_utc_midnight()
    {
        var server = await StartAsync(new() { ["DAILY_TOKEN_LIMIT"] = "5" });
        var first = await CompleteAsync(server, "several words to spend the small budget quickly");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var used = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("total_tokens").GetInt32();
        Assert.True(used >= 5, $"the mock reported {used} tokens");

        var now = DateTimeOffset.UtcNow;
        var untilMidnight = (int)Math.Ceiling((now.Date.AddDays(1) - now.UtcDateTime).TotalSeconds);
        await AssertRetryAfterAsync(await CompleteAsync(server), "budget_exhausted", untilMidnight - 30, untilMidnight + 1);
        await AssertRetryAfterAsync(await server.Client.PostAsJsonAsync("/api/chat", new { message = "more" }), "budget_exhausted", untilMidnight - 30, untilMidnight + 1);
    }

    [Fact]
    public async Task A_second_concurrent_stream_is_refused_while_the_first_runs_and_accepted_after_it_is_cancelled()
    {
        var server = await StartAsync(settings: new() { ["Parley:Limits:MaxConcurrentStreams"] = "1" });

        using (var cancel = new CancellationTokenSource())
        {
            var slow = server.Client.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = JsonContent.Create(new { message = "[[mock:delay 5000]] slow" }) },
                HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            await Task.Delay(300);

            await AssertRetryAfterAsync(await server.Client.PostAsJsonAsync("/api/chat", new { message = "second" }), "rate_limited", 1, 5);
            await AssertRetryAfterAsync(await CompleteAsync(server, stream: true), "rate_limited", 1, 5);
            Assert.False(slow.IsCompleted);
            await cancel.CancelAsync();
            try
            {
                (await slow).Dispose();
            }
            catch (OperationCanceledException)
            {
            }
        }

        await WaitForAcceptedAsync(server);
    }

    [Fact]
    public async Task A_second_concurrent_stream_is_accepted_after_the_first_ends()
    {
        var server = await StartAsync(settings: new() { ["Parley:Limits:MaxConcurrentStreams"] = "1" });
        var first = Sse.PostAsync(server.Client, "/api/chat", new { message = "[[mock:delay 1000]] slow" });
        await Task.Delay(300);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.Client.PostAsJsonAsync("/api/chat", new { message = "second" })).StatusCode);
        await first;
        await WaitForAcceptedAsync(server);
    }

    private static async Task WaitForAcceptedAsync(ParleyTestServer server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var response = await CompleteAsync(server);
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the stream slot was not released");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_flood_of_refused_requests_is_answered_quickly_and_counted()
    {
        var server = await StartAsync(new() { ["REQUESTS_PER_MINUTE"] = "1" });
        Assert.Equal(HttpStatusCode.OK, (await CompleteAsync(server)).StatusCode);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => CompleteAsync(server, "[[mock:delay 2000]] flood")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");

        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("parley_limits_rejected", metrics, StringComparison.Ordinal);
    }
}
