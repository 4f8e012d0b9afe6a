using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Redis;
using Parley.Tests.Storage.Postgres;
using Parley.Tests.Support;

namespace Parley.Tests.Operations;

/// <summary>
/// Issue 6's setup: two Parley.Server processes on different ports behind one load balancer, sharing a private PostgreSQL
/// (conversations, keys, usage) and a private Redis (limits, cache, stop signals).
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ScaleOutTests(PostgresFixture postgres, RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int RequestsPerMinute = 6;

    [Fact(Timeout = 180_000)]
    public async Task Two_instances_share_conversations_keys_the_rate_limit_and_the_cache()
    {
        var folders = new[] { ServerProcess.NewDataDirectory(), ServerProcess.NewDataDirectory() };
        var environment = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = await postgres.Cluster.CreateDatabaseAsync(),
            ["REDIS_URL"] = redis.Server.Url,
            ["Parley__Redis__KeyPrefix"] = $"scale-{Guid.NewGuid():N}:",
            ["REQUESTS_PER_MINUTE"] = RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OPENAI_TEMPERATURE"] = "0",
            ["Parley__Cache__Enabled"] = "true",
        };
        try
        {
            var starting = folders.Select(f => ServerProcess.StartAsync(f, environment)).ToArray();
            await using var a = await starting[0];
            await using var b = await starting[1];

            // A conversation started on A continues on B (2 of the minute's requests).
            var created = await a.Client.PostAsJsonAsync("/api/conversations", new { });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await Sse.PostAsync(a.Client, $"/api/conversations/{id}/messages", new { content = "first, on A" });
            var onB = await Sse.PostAsync(b.Client, $"/api/conversations/{id}/messages", new { content = "then on B" });
            Assert.Equal("then on B", onB.Text);
            var seenByA = await a.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
            Assert.Equal(4, seenByA.GetProperty("messages").GetArrayLength());

            // A key created on A works on B.
            var key = await a.Client.PostAsJsonAsync("/api/keys", new { name = "shared" });
            var secret = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/session");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
            Assert.Equal("key", (await (await b.Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("via").GetString());

            // A cache entry written by A is hit by B (2 more requests).
            var first = await ServerProcess.ChatAsync(a.Client, "the same question");
            var second = await ServerProcess.ChatAsync(b.Client, "the same question");
            Assert.Equal((HttpStatusCode.OK, first.Body), (second.Status, second.Body));
            Assert.Equal(1, (await b.Client.GetFromJsonAsync<JsonElement>("/api/cache")).GetProperty("hits").GetInt64());

            // A concurrent burst over both instances gets exactly the 2 requests left in the minute.
            var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ServerProcess.ChatAsync(i % 2 == 0 ? a.Client : b.Client, $"burst {i}")));
            Assert.Equal(RequestsPerMinute - 4, burst.Count(r => r.Status == HttpStatusCode.OK));
            Assert.Equal(20 - (RequestsPerMinute - 4), burst.Count(r => r.Status == HttpStatusCode.TooManyRequests));
        }
        finally
        {
            foreach (var folder in folders)
                Directory.Delete(folder, recursive: true);
        }
    }
}
