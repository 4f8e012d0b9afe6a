using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Parley.Tests.Operations;
using Parley.Tests.Redis;

namespace Parley.Tests.Replies;

/// <summary>Replies across real Parley.Server processes: a crash (kill -9), another instance behind the same Redis, and Redis dying mid-reply.</summary>
public sealed class ReplyProcessTests
{
    private static readonly string Words = string.Join(' ', Enumerable.Range(0, 120).Select(i => $"w{i}"));

    [Fact(Timeout = 120_000)]
    public async Task After_kill_9_the_text_shown_before_is_in_the_database_and_a_restart_marks_the_reply_interrupted()
    {
        var folder = ServerProcess.NewDataDirectory();
        try
        {
            string id;
            string shownBefore;
            await using (var server = await ServerProcess.StartAsync(folder))
            {
                id = await CreateAsync(server.Client);
                await using var stream = await LiveEvents.OpenAsync(server.Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 15]]" });
                await stream.ReadTextsAsync(10);
                shownBefore = stream.Text;
                var clock = Stopwatch.StartNew();
                // Keep reading for 1.5 s more; what was on screen 1.5 s before the crash must survive it.
                await stream.ReadUntilAsync(_ => clock.Elapsed > TimeSpan.FromSeconds(1.5));
                Assert.False(stream.SawDone);
            }   // kill -9 (SIGKILL) of the whole process tree

            var (status, text) = StoredReply(folder);
            Assert.Equal("streaming", status);
            Assert.StartsWith(shownBefore, text, StringComparison.Ordinal);
            Assert.True(text.Length < Words.Length);

            await using var restarted = await ServerProcess.StartAsync(folder);
            var reply = (await restarted.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}")).GetProperty("messages")[1];
            Assert.Equal("interrupted", reply.GetProperty("status").GetString());
            Assert.Equal(text, reply.GetProperty("text").GetString());
            Assert.Equal(("interrupted", text), StoredReply(folder));
            // The conversation takes new messages again.
            var next = await Support.Sse.PostAsync(restarted.Client, $"/api/conversations/{id}/messages", new { content = "again" });
            Assert.Equal("again", next.Text);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task With_Redis_a_reply_started_on_one_instance_resumes_and_stops_from_another()
    {
        await using var redis = await RedisServer.StartAsync();
        var folder = ServerProcess.NewDataDirectory();
        var environment = new Dictionary<string, string> { ["REDIS_URL"] = redis.Url, ["Parley__Redis__KeyPrefix"] = $"resume-{Guid.NewGuid():N}:" };
        try
        {
            // Two instances over one SQLite file (as over one PostgreSQL) and one Redis.
            await using var a = await ServerProcess.StartAsync(folder, environment);
            await using var b = await ServerProcess.StartAsync(folder, environment);

            var id = await CreateAsync(a.Client);
            string replyId;
            long lastSeen;
            string seen;
            await using (var onA = await LiveEvents.OpenAsync(a.Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 40]]" }))
            {
                await onA.ReadTextsAsync(5);
                replyId = onA.Only("assistant_start").GetProperty("message").GetProperty("id").GetString()!;
                lastSeen = onA.LastId;
                seen = onA.Text;
            }
            await using (var onB = await LiveEvents.OpenAsync(b.Client, HttpMethod.Get, $"/api/conversations/{id}/replies/{replyId}/events", lastEventId: lastSeen))
            {
                await onB.ReadToEndAsync();
                Assert.True(onB.SawDone);
                Assert.Equal(lastSeen + 1, onB.Events[0].Id);
                Assert.Equal(Words, seen + onB.Text);
                Assert.Equal("complete", onB.Only("assistant_end").GetProperty("message").GetProperty("status").GetString());
            }

            // Stop from B a reply that A writes; B's reader sees it end.
            await using var second = await LiveEvents.OpenAsync(a.Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 20]]" });
            await second.ReadTextsAsync(2);
            var secondId = second.Only("assistant_start").GetProperty("message").GetProperty("id").GetString()!;
            await using var follower = await LiveEvents.OpenAsync(b.Client, HttpMethod.Get, $"/api/conversations/{id}/replies/{secondId}/events");
            await follower.ReadTextsAsync(3);
            Assert.Equal(HttpStatusCode.Accepted, (await b.Client.PostAsync($"/api/conversations/{id}/cancel", null)).StatusCode);
            await follower.ReadToEndAsync();
            var end = follower.Only("assistant_end").GetProperty("message");
            Assert.Equal("incomplete", end.GetProperty("status").GetString());
            Assert.True(end.GetProperty("text").GetString()!.Length < Words.Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task When_Redis_dies_mid_reply_the_log_goes_on_in_memory_with_a_warning_and_resumes_on_the_same_instance()
    {
        var redis = await RedisServer.StartAsync();
        var folder = ServerProcess.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(folder, new Dictionary<string, string> { ["REDIS_URL"] = redis.Url });
            var id = await CreateAsync(server.Client);
            string replyId;
            long lastSeen;
            string seen;
            await using (var stream = await LiveEvents.OpenAsync(server.Client, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = Words + " [[mock:tps 30]]" }))
            {
                await stream.ReadTextsAsync(5);
                await redis.KillAsync();
                await stream.ReadTextsAsync(15);
                replyId = stream.Only("assistant_start").GetProperty("message").GetProperty("id").GetString()!;
                lastSeen = stream.LastId;
                seen = stream.Text;
            }

            await using var resumed = await LiveEvents.OpenAsync(server.Client, HttpMethod.Get, $"/api/conversations/{id}/replies/{replyId}/events", lastEventId: lastSeen);
            await resumed.ReadToEndAsync();
            Assert.True(resumed.SawDone);
            Assert.True(Words == seen + resumed.Text, $"resumed text differs; server log:\n{server.Output}");
            Assert.Equal("complete", resumed.Only("assistant_end").GetProperty("message").GetProperty("status").GetString());
            Assert.Contains("its event log continues in this instance's memory", server.Output, StringComparison.Ordinal);
        }
        finally
        {
            await redis.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> CreateAsync(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/api/conversations", new { });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static (string Status, string Text) StoredReply(string folder)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "parley.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, text FROM messages WHERE role = 'assistant'";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetString(0), reader.GetString(1));
    }
}
