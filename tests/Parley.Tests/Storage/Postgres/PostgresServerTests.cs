using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Parley.Tests.Operations;
using Parley.Tests.Support;

namespace Parley.Tests.Storage.Postgres;

/// <summary>Parley servers on PostgreSQL, over HTTP: one in-process server, and two real processes sharing one database.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresServerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_server_with_a_database_url_keeps_conversations_in_postgres()
    {
        var connectionString = await fixture.Cluster.CreateDatabaseAsync();
        var url = $"postgres://postgres@127.0.0.1:{fixture.Cluster.Port}/{new NpgsqlConnectionStringBuilder(connectionString).Database}";
        await using var server = await ParleyTestServer.StartAsync(environment: new Dictionary<string, string?> { ["DATABASE_URL"] = url });

        var id = await server.CreateConversationAsync(new { systemPrompt = "Be brief." });
        var reply = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = "stored in postgres" });
        Assert.Contains("assistant_end", reply.Types);

        var page = await server.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        var listed = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(2, listed.GetProperty("messageCount").GetInt32());

        // The rows are in PostgreSQL, and nothing was written to a SQLite file.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT role, text FROM messages WHERE conversation_id = @id ORDER BY seq", connection);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(string, string)>();
            while (await reader.ReadAsync())
                rows.Add((reader.GetString(0), reader.GetString(1)));
            Assert.Equal([("user", "stored in postgres"), ("assistant", "stored in postgres")], rows);
        }
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "parley.db")));

        var health = await server.Client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("postgres", health.GetProperty("store").GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_startup_log_names_host_and_database_but_never_the_password()
    {
        var database = new NpgsqlConnectionStringBuilder(await fixture.Cluster.CreateDatabaseAsync()).Database;
        var folder = ServerProcess.NewDataDirectory();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
            Environment =
            {
                // The private cluster trusts local connections, so the password is accepted unused.
                ["DATABASE_URL"] = $"postgres://postgres:s3cretpw@127.0.0.1:{fixture.Cluster.Port}/{database}",
                ["PORT"] = "0", ["HOST"] = "127.0.0.1", ["PARLEY_DATA_DIR"] = folder,
            },
        };
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = System.Diagnostics.Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && !output.Any(l => l.Contains("store: ", StringComparison.Ordinal)) && !process.HasExited)
                await Task.Delay(100);
            var report = Assert.Single(output, l => l.Contains("store: ", StringComparison.Ordinal));
            Assert.Contains($"store: postgres (127.0.0.1:{fixture.Cluster.Port}/{database})", report, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
        Assert.DoesNotContain(output, l => l.Contains("s3cretpw", StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 6: two Parley processes behind a load balancer share one database. Extend <see cref="SharedEnvironment"/> with
    /// REDIS_URL for the Redis parts (rate limits, cache) and add their assertions after the conversation hand-over.
    /// </summary>
    [Fact]
    public async Task Two_server_processes_sharing_the_database_continue_each_others_conversations()
    {
        var environment = SharedEnvironment(await fixture.Cluster.CreateDatabaseAsync());
        var folders = new[] { ServerProcess.NewDataDirectory(), ServerProcess.NewDataDirectory() };
        try
        {
            // Both start at once: the migration lock lets exactly one create the schema.
            var starting = folders.Select(f => ServerProcess.StartAsync(f, environment)).ToArray();
            await using var first = await starting[0];
            await using var second = await starting[1];
            Assert.NotEqual(first.Port, second.Port);

            var created = await first.Client.PostAsJsonAsync("/api/conversations", new { systemPrompt = "shared" });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await Sse.PostAsync(first.Client, $"/api/conversations/{id}/messages", new { content = "said on the first" });
            var onSecond = await Sse.PostAsync(second.Client, $"/api/conversations/{id}/messages", new { content = "said on the second" });
            Assert.Contains("assistant_end", onSecond.Types);

            var seenByFirst = await first.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
            var messages = seenByFirst.GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(["said on the first", "said on the first", "said on the second", "said on the second"], messages.Select(m => m.GetProperty("text").GetString()));
            // The second server continued the thread: its user message answers the first server's reply.
            Assert.Equal(messages[1].GetProperty("id").GetString(), messages[2].GetProperty("parentId").GetString());
            Assert.Equal("shared", seenByFirst.GetProperty("systemPrompt").GetString());
        }
        finally
        {
            foreach (var folder in folders)
                Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> SharedEnvironment(string connectionString) => new() { ["DATABASE_URL"] = connectionString };
}
