using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Parley.Redis;
using Parley.Tests.Support;

namespace Parley.Tests.Redis;

/// <summary>Redis configured but unreachable (at startup, or killed mid-run): Parley keeps serving, says so, and recovers.</summary>
public sealed class RedisOutageTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact(Timeout = 90_000)]
    public async Task Killing_redis_mid_run_degrades_health_keeps_requests_working_and_recovers_after_restart()
    {
        await using var server = await ParleyTestServer.StartAsync(
            new Dictionary<string, string?> { ["Parley:Storage:Provider"] = "redis" },
            new Dictionary<string, string?> { ["REDIS_URL"] = redis.Server.Url, ["REQUESTS_PER_MINUTE"] = "1000" });
        var ready = await ReadyAsync(server);
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        var before = await server.CreateConversationAsync();
        Assert.True((await Sse.PostAsync(server.Client, $"/api/conversations/{before}/messages", new { content = "hello" })).SawDone);
        Assert.Equal(":1", await redis.Server.CommandAsync("ZCARD parley:limits:local:requests"));

        await redis.Server.KillAsync();

        // Requests keep working from memory: the stateless chat and a new conversation.
        var chat = await Sse.PostAsync(server.Client, "/api/chat", new { message = "while redis is down" });
        Assert.True(chat.SawDone);
        Assert.Contains("while redis is down", chat.Text);
        var during = await server.CreateConversationAsync();
        var reply = await Sse.PostAsync(server.Client, $"/api/conversations/{during}/messages", new { content = "kept in memory" });
        Assert.True(reply.SawDone);
        Assert.Empty(reply.OfType("error"));
        Assert.Equal(2, (await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{during}")).GetProperty("messages").GetArrayLength());

        // The conversation in front of the user (stored in Redis before the outage) goes on in memory (seed 004).
        var goesOn = await Sse.PostAsync(server.Client, $"/api/conversations/{before}/messages", new { content = "still here" });
        Assert.True(goesOn.SawDone);
        Assert.Empty(goesOn.OfType("error"));
        var continued = await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{before}");
        Assert.Equal(["hello", "hello", "still here", "still here"],
            continued.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));

        ready = await ReadyAsync(server);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var entry = ready.GetProperty("checks").GetProperty("redis");
        Assert.Equal("degraded", entry.GetProperty("status").GetString());
        Assert.Contains(RedisConnection.UnreachableWarning, entry.GetProperty("description").GetString());
        var config = await server.Client.GetFromJsonAsync<JsonElement>("/api/config");
        Assert.Contains(config.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains(RedisConnection.UnreachableWarning, StringComparison.Ordinal));
        var health = await server.Client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Contains(health.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains(RedisConnection.UnreachableWarning, StringComparison.Ordinal));

        await redis.Server.RestartAsync();

        var deadline = DateTime.UtcNow.AddSeconds(45);
        string? status = null;
        while (DateTime.UtcNow < deadline)
        {
            status = (await ReadyAsync(server)).GetProperty("checks").GetProperty("redis").GetProperty("status").GetString();
            if (status == "healthy")
                break;
            await Task.Delay(250);
        }
        Assert.Equal("healthy", status);
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>("/api/config")).GetProperty("warnings").EnumerateArray());

        // Shared state is used again: the limiter counts in the (fresh, empty) Redis and new conversations are stored there.
        var after = await server.CreateConversationAsync();
        Assert.True((await Sse.PostAsync(server.Client, $"/api/conversations/{after}/messages", new { content = "back" })).SawDone);
        Assert.Equal(":1", await redis.Server.CommandAsync("ZCARD parley:limits:local:requests"));
        Assert.Equal(":1", await redis.Server.CommandAsync($"EXISTS parley:history:conversation:{after}"));
        // The conversation started during the outage is still served from memory.
        Assert.Equal(2, (await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{during}")).GetProperty("messages").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task Redis_unreachable_at_startup_does_not_stop_parley()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await using var server = await ParleyTestServer.StartAsync(
            new Dictionary<string, string?> { ["Parley:Redis:ConnectTimeoutMs"] = "500", ["Parley:Cache:Enabled"] = "true" },
            new Dictionary<string, string?> { ["REDIS_URL"] = $"redis://:s3cret@127.0.0.1:{port}/0", ["REQUESTS_PER_MINUTE"] = "2" });

        Assert.True((await Sse.PostAsync(server.Client, "/api/chat", new { message = "one" })).SawDone);
        Assert.True((await Sse.PostAsync(server.Client, "/api/chat", new { message = "two" })).SawDone);
        // The in-memory limiter still applies.
        Assert.Equal((HttpStatusCode)429, (await server.Client.PostAsJsonAsync("/api/chat", new { message = "three" })).StatusCode);

        var ready = await ReadyAsync(server);
        var description = ready.GetProperty("checks").GetProperty("redis").GetProperty("description").GetString()!;
        Assert.Contains(RedisConnection.UnreachableWarning, description);
        Assert.DoesNotContain("s3cret", description);
    }

    private static async Task<JsonElement> ReadyAsync(ParleyTestServer server)
    {
        using var response = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
