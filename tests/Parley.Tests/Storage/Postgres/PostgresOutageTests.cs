using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Storage.Postgres;

/// <summary>PostgreSQL going away under a running server, each test on its own private cluster (it is stopped and restarted).</summary>
public sealed class PostgresOutageTests
{
    [Fact]
    public async Task With_postgres_down_requests_get_503_store_unavailable_and_readiness_fails_then_recovers()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?> { ["DATABASE_URL"] = await cluster.CreateDatabaseAsync() });
        var id = await server.CreateConversationAsync();

        await cluster.StopServerAsync();
        foreach (var response in new[]
        {
            await server.Client.GetAsync("/api/conversations"),
            await server.Client.PostAsJsonAsync("/api/conversations", new { }),
            await server.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "while down" }),
        })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("store_unavailable", problem.GetProperty("code").GetString());
            Assert.DoesNotContain("Npgsql", problem.GetRawText(), StringComparison.Ordinal);
        }
        var ready = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("unhealthy", checks.GetProperty("store").GetProperty("status").GetString());

        await cluster.StartServerAsync();
        var recovered = await EventuallyAsync(async () => (await server.Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        Assert.True(recovered, "/health/ready did not recover after PostgreSQL came back.");
        var reply = await EventuallySendAsync(server.Client, id, "after the outage");
        Assert.Contains("assistant_end", reply.Types);
        var conversation = await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        // The message sent while the database was down left nothing behind.
        Assert.Equal(["after the outage", "after the outage"], conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Postgres_restarted_mid_run_loses_and_duplicates_no_message()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?> { ["DATABASE_URL"] = await cluster.CreateDatabaseAsync() });
        var id = await server.CreateConversationAsync();

        var restarts = Task.Run(async () =>
        {
            foreach (var mode in new[] { "fast", "immediate" })
            {
                await Task.Delay(700);
                await cluster.StopServerAsync(mode);
                await Task.Delay(500);
                await cluster.StartServerAsync();
            }
        });

        var succeeded = new List<string>();
        var unavailable = new List<string>();
        var interrupted = new List<string>();
        var clock = Stopwatch.StartNew();
        var succeededAfterRestarts = 0;
        for (var i = 0; i < 600 && clock.Elapsed < TimeSpan.FromSeconds(90) && succeededAfterRestarts < 5; i++)
        {
            var text = $"message {i}";
            switch (await SendAsync(server.Client, id, text))
            {
                case Outcome.Stored:
                    succeeded.Add(text);
                    if (restarts.IsCompleted)
                        succeededAfterRestarts++;
                    break;
                case Outcome.Unavailable:
                    unavailable.Add(text);
                    break;
                default:
                    interrupted.Add(text);
                    break;
            }
            await Task.Delay(10);
        }
        await restarts;
        Assert.True(succeededAfterRestarts >= 5, $"Sending did not recover after the restarts ({succeeded.Count} ok, {unavailable.Count} 503).");
        Assert.NotEmpty(unavailable);

        var messages = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages").EnumerateArray()
            .Select(m => (Id: m.GetProperty("id").GetString()!, Parent: m.GetProperty("parentId").GetString(), Role: m.GetProperty("role").GetString()!,
                Text: m.GetProperty("text").GetString()!, Status: m.GetProperty("status").GetString()!)).ToList();
        var users = messages.Where(m => m.Role == "user").ToList();

        // Every request that succeeded is stored exactly once: its message and one complete reply to it.
        foreach (var text in succeeded)
        {
            var user = Assert.Single(users, m => m.Text == text);
            var answer = Assert.Single(messages, m => m.Parent == user.Id);
            Assert.Equal(("assistant", text, "complete"), (answer.Role, answer.Text, answer.Status));
        }
        // A 503 left nothing behind.
        foreach (var text in unavailable)
            Assert.DoesNotContain(users, m => m.Text == text);
        // Nothing is duplicated, and every stored message belongs to a request that was sent.
        Assert.Equal(users.Count, users.Select(m => m.Text).Distinct().Count());
        Assert.All(users, m => Assert.True(succeeded.Contains(m.Text) || interrupted.Contains(m.Text), $"'{m.Text}' was stored but its request failed with 503."));
        Assert.Equal(messages.Count, messages.Select(m => m.Id).Distinct().Count());
    }

    private enum Outcome
    {
        Stored,
        Unavailable,
        Interrupted,
    }

    /// <summary>Stored: a full stream ending with assistant_end. Unavailable: 503 store_unavailable. Interrupted: the stream broke after it began.</summary>
    private static async Task<Outcome> SendAsync(HttpClient client, string id, string text)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages") { Content = JsonContent.Create(new { content = text }) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("store_unavailable", problem.GetProperty("code").GetString());
                return Outcome.Unavailable;
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var reply = await Sse.ReadAsync(response);
            return reply.SawDone && reply.Types.Contains("assistant_end") ? Outcome.Stored : Outcome.Interrupted;
        }
        catch (HttpRequestException)
        {
            return Outcome.Interrupted;
        }
        catch (IOException)
        {
            return Outcome.Interrupted;
        }
    }

    private static async Task<Sse.SseReply> EventuallySendAsync(HttpClient client, string id, string text)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages") { Content = JsonContent.Create(new { content = text }) };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                return await Sse.ReadAsync(response);
            await Task.Delay(200);
        }
        throw new TimeoutException("Sending never recovered after PostgreSQL came back.");
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await condition())
                return true;
            await Task.Delay(200);
        }
        return false;
    }
}
