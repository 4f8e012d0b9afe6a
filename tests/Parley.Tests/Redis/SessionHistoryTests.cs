using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Api.Conversations;
using Parley.Tests.Support;

namespace Parley.Tests.Redis;

/// <summary>
/// Seed 004's session ids and history stores with its own variables: <c>?sid=abc123def456</c> names one conversation,
/// kept across refreshes and restarts with SQLite or Redis (<c>REDIS_URL</c> alone), or for the process with
/// <c>PARLEY_STORAGE_PROVIDER=memory</c>; the sidebar's store name comes from /api/config.
/// </summary>
public sealed class SessionHistoryTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string Sid = "abc123def456";

    private static async Task<JsonElement> HistoryAsync(ParleyTestServer server, string sid) =>
        await server.Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{sid}");

    private static async Task<string> StartAndSendAsync(ParleyTestServer server, string sid, string content)
    {
        var started = await server.Client.PutAsJsonAsync($"/api/sessions/{sid}", new { });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True((await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content })).SawDone);
        return id;
    }

    private static IEnumerable<string?> Texts(JsonElement conversation) =>
        conversation.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString());

    [Fact]
    public async Task An_unknown_sid_starts_a_conversation_bound_to_it_that_survives_a_restart_with_SQLite()
    {
        var data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string id;
            await using (var server = await ParleyTestServer.StartAsync(dataDirectory: data))
            {
                Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync($"/api/sessions/{Sid}")).StatusCode);
                id = await StartAndSendAsync(server, Sid, "remember me");
                var again = await server.Client.PutAsJsonAsync($"/api/sessions/{Sid}", new { });
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
                Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
                Assert.Equal("SQLite", (await server.Client.GetFromJsonAsync<JsonElement>("/api/config")).GetProperty("store").GetString());
            }

            await using var restarted = await ParleyTestServer.StartAsync(dataDirectory: data);
            var history = await HistoryAsync(restarted, Sid);
            Assert.Equal(id, history.GetProperty("id").GetString());
            Assert.Equal(["remember me", "remember me"], Texts(history));
            // A conversation's own id works as a session id too (the links the web app already shares).
            Assert.Equal(id, (await HistoryAsync(restarted, id)).GetProperty("id").GetString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void Equal_session_ids_of_two_users_are_two_conversations() =>
        Assert.NotEqual(SessionsApi.ConversationId("alice", Sid), SessionsApi.ConversationId("bob", Sid));

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("../../etc")]
    public async Task A_malformed_sid_is_a_400(string sid)
    {
        await using var server = await ParleyTestServer.StartAsync();
        var response = await server.Client.PutAsJsonAsync($"/api/sessions/{Uri.EscapeDataString(sid)}", new { });
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{response.StatusCode}");
    }

    [Fact]
    public async Task REDIS_URL_alone_keeps_the_history_in_Redis_across_a_restart()
    {
        var environment = new Dictionary<string, string?>
        {
            ["REDIS_URL"] = redis.Server.Url, ["HISTORY_MAX_TURNS"] = "20", ["HISTORY_TTL_SECONDS"] = "2592000",
        };
        var sid = "r" + Guid.NewGuid().ToString("N")[..11];
        string id;
        await using (var server = await ParleyTestServer.StartAsync(environment: environment))
        {
            Assert.Equal("Redis", (await server.Client.GetFromJsonAsync<JsonElement>("/api/config")).GetProperty("store").GetString());
            id = await StartAndSendAsync(server, sid, "kept in redis");
        }
        Assert.Equal(":1", await redis.Server.CommandAsync($"EXISTS parley:history:conversation:{id}"));
        var ttl = int.Parse((await redis.Server.CommandAsync($"TTL parley:history:conversation:{id}"))[1..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 2_500_000, 2_592_000);

        // A new process with a new data folder: only Redis can know the session.
        await using var restarted = await ParleyTestServer.StartAsync(environment: environment);
        Assert.Equal(["kept in redis", "kept in redis"], Texts(await HistoryAsync(restarted, sid)));
    }

    [Fact]
    public async Task PARLEY_STORAGE_PROVIDER_memory_keeps_conversations_for_the_process_only()
    {
        var data = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string?> { ["PARLEY_STORAGE_PROVIDER"] = "memory" };
        try
        {
            await using (var server = await ParleyTestServer.StartAsync(environment: environment, dataDirectory: data))
            {
                Assert.Equal("Memory", (await server.Client.GetFromJsonAsync<JsonElement>("/api/config")).GetProperty("store").GetString());
                await StartAndSendAsync(server, Sid, "only in memory");
                Assert.Equal(["only in memory", "only in memory"], Texts(await HistoryAsync(server, Sid)));
            }
            await using var restarted = await ParleyTestServer.StartAsync(environment: environment, dataDirectory: data);
            Assert.Equal(HttpStatusCode.NotFound, (await restarted.Client.GetAsync($"/api/sessions/{Sid}")).StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
                Directory.Delete(data, recursive: true);
        }
    }
}
