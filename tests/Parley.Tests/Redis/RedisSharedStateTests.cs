using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Redis;

/// <summary>Two in-process Parley servers (own SQLite directories) sharing one private Redis.</summary>
public sealed class RedisSharedStateTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly List<ParleyTestServer> _servers = [];
    private readonly string _prefix = $"t{Guid.NewGuid():N}:";

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task<ParleyTestServer> StartAsync(Dictionary<string, string?>? settings = null, Dictionary<string, string?>? environment = null)
    {
        var all = new Dictionary<string, string?> { ["Parley:Redis:KeyPrefix"] = _prefix };
        foreach (var (key, value) in settings ?? [])
            all[key] = value;
        var env = new Dictionary<string, string?> { ["REDIS_URL"] = redis.Server.Url };
        foreach (var (key, value) in environment ?? [])
            env[key] = value;
        var server = await ParleyTestServer.StartAsync(all, env);
        _servers.Add(server);
        return server;
    }

    [Fact(Timeout = 30_000)]
    public async Task A_reply_cached_by_one_server_is_served_by_the_other()
    {
        var settings = new Dictionary<string, string?> { ["Parley:Cache:Enabled"] = "true" };
        var environment = new Dictionary<string, string?> { ["OPENAI_TEMPERATURE"] = "0" };
        var a = await StartAsync(settings, environment);
        var b = await StartAsync(settings, environment);

        var first = await Sse.PostAsync(a.Client, "/api/chat", new { message = "shared cache please" });
        var second = await Sse.PostAsync(b.Client, "/api/chat", new { message = "shared cache please" });

        Assert.True(second.SawDone);
        Assert.Equal(first.Text, second.Text);
        Assert.NotEmpty(second.Text);
        var statsA = await a.Client.GetFromJsonAsync<JsonElement>("/api/cache");
        var statsB = await b.Client.GetFromJsonAsync<JsonElement>("/api/cache");
        Assert.Equal(1, statsA.GetProperty("stores").GetInt64());
        Assert.Equal(0, statsA.GetProperty("hits").GetInt64());
        Assert.Equal(1, statsB.GetProperty("hits").GetInt64());
        Assert.Equal(0, statsB.GetProperty("stores").GetInt64());
        Assert.Equal(1, statsB.GetProperty("entries").GetInt32());
        Assert.Equal(":1", await redis.Server.CommandAsync($"ZCARD {_prefix}cache:index"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Stop_sent_to_another_server_cancels_the_reply_where_it_runs()
    {
        var settings = new Dictionary<string, string?> { ["Parley:Storage:Provider"] = "redis" };
        var a = await StartAsync(settings);
        var b = await StartAsync(settings);
        var id = await a.CreateConversationAsync();

        var words = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"w{i}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages")
        {
            Content = JsonContent.Create(new { content = words + " [[mock:tps 20]]" }),
        };
        using var response = await a.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        var texts = 0;
        while (texts < 3 && await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: {\"type\":\"text\"", StringComparison.Ordinal))
                texts++;
        }

        var stop = await b.Client.PostAsync($"/api/conversations/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\"type\":\"assistant_end\"", rest);

        // Both servers read the same Redis history: the reply is stored incomplete, cut short.
        var stored = await b.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var reply = stored.GetProperty("messages")[1];
        Assert.Equal("incomplete", reply.GetProperty("status").GetString());
        Assert.True(reply.GetProperty("text").GetString()!.Length < words.Length);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_conversation_goes_on_after_history_max_turns_trimmed_its_beginning()
    {
        var server = await StartAsync(new() { ["Parley:Storage:Provider"] = "redis" }, new() { ["HISTORY_MAX_TURNS"] = "1" });
        var id = await server.CreateConversationAsync();
        foreach (var text in new[] { "first", "second", "third" })
        {
            var reply = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = text });
            Assert.True(reply.SawDone);
            Assert.Empty(reply.OfType("error"));
        }
        var messages = (await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("third", messages[0].GetProperty("text").GetString());
        Assert.Equal(":2", await redis.Server.CommandAsync($"LLEN {_prefix}history:conversation:{id}:order"));
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
            await server.DisposeAsync();
    }
}
