using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Operations;

namespace Parley.Tests.Redis;

/// <summary>Two real Parley.Server processes on different ports (own SQLite directories) sharing one private Redis.</summary>
public sealed class RedisTwoProcessTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int RequestsPerMinute = 5;

    [Fact(Timeout = 120_000)]
    public async Task The_rate_limit_holds_across_both_under_a_concurrent_burst_and_a_cache_entry_written_by_one_is_hit_by_the_other()
    {
        var folders = new[] { ServerProcess.NewDataDirectory(), ServerProcess.NewDataDirectory() };
        var environment = new Dictionary<string, string>
        {
            ["REDIS_URL"] = redis.Server.Url,
            ["REQUESTS_PER_MINUTE"] = RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OPENAI_TEMPERATURE"] = "0",
            ["Parley__Cache__Enabled"] = "true",
        };
        await using var a = await ServerProcess.StartAsync(folders[0], environment);
        await using var b = await ServerProcess.StartAsync(folders[1], environment);
        try
        {
            // Cache: written by A, hit by B (two of the five requests this minute).
            var first = await ServerProcess.ChatAsync(a.Client, "the same question");
            var second = await ServerProcess.ChatAsync(b.Client, "the same question");
            Assert.Equal(HttpStatusCode.OK, first.Status);
            Assert.Equal(HttpStatusCode.OK, second.Status);
            Assert.Equal(first.Body, second.Body);
            var statsA = await a.Client.GetFromJsonAsync<JsonElement>("/api/cache");
            var statsB = await b.Client.GetFromJsonAsync<JsonElement>("/api/cache");
            Assert.Equal(1, statsA.GetProperty("stores").GetInt64());
            Assert.Equal(1, statsB.GetProperty("hits").GetInt64());
            Assert.Equal(0, statsB.GetProperty("stores").GetInt64());

            // Burst: 24 concurrent requests spread over both servers; only the three left in the minute get through.
            var burst = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => ServerProcess.ChatAsync(i % 2 == 0 ? a.Client : b.Client, $"burst {i}")));
            Assert.Equal(RequestsPerMinute - 2, burst.Count(r => r.Status == HttpStatusCode.OK));
            Assert.Equal(24 - (RequestsPerMinute - 2), burst.Count(r => r.Status == HttpStatusCode.TooManyRequests));
            Assert.All(burst.Where(r => r.Status == HttpStatusCode.TooManyRequests), r => Assert.Contains("rate_limited", r.Body));

            var ready = await b.Client.GetFromJsonAsync<JsonElement>("/health/ready");
            Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        }
        finally
        {
            foreach (var folder in folders)
                Directory.Delete(folder, recursive: true);
        }
    }
}
