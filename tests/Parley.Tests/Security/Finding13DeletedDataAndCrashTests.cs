using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Parley.Portability;
using Parley.Tests.Operations;
using Parley.Tests.Support;

namespace Parley.Tests.Security;

/// <summary>
/// Finding 13: deleted text stayed in <c>parley.db-wal</c> while the server ran, and an import killed half-way left
/// 5,794 of 30,000 messages although the README promises nothing half-done.
/// </summary>
public sealed class Finding13DeletedDataAndCrashTests
{
    [Fact]
    public async Task Finding13_deleted_text_is_gone_from_the_database_and_its_write_ahead_log()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var marker = "Secret" + Guid.NewGuid().ToString("N");
        var id = await server.CreateConversationAsync();
        var reply = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = $"remember {marker} please" });
        Assert.True(reply.SawDone);
        var database = Path.Combine(server.DataDirectory, "parley.db");
        Assert.True(Contains(database, marker) || Contains(database + "-wal", marker), "the marker was stored");

        using var deleted = await server.Client.DeleteAsync($"/api/conversations/{id}");
        deleted.EnsureSuccessStatusCode();

        Assert.False(Contains(database, marker), "deleted text is still in parley.db");
        Assert.False(Contains(database + "-wal", marker), "deleted text is still in parley.db-wal");
    }

    [Fact]
    public async Task Finding13_an_import_killed_half_way_leaves_nothing()
    {
        var folder = ServerProcess.NewDataDirectory();
        try
        {
            const int conversations = 30, perConversation = 1000;
            var file = Encoding.UTF8.GetBytes(BigExport(conversations, perConversation));
            var database = Path.Combine(folder, "parley.db");
            var completed = false;
            await using (var server = await ServerProcess.StartAsync(folder))
            {
                var walBefore = Length(database + "-wal");
                var import = Task.Run(async () =>
                {
                    using var content = new ByteArrayContent(file);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await server.Client.PostAsync("/api/import", content);
                    completed = response.IsSuccessStatusCode;
                });
                // Kill as soon as the import has started writing (the log grows), as a power cut would.
                var watch = Stopwatch.StartNew();
                while (!import.IsCompleted && Length(database + "-wal") <= walBefore + 64 * 1024 && watch.Elapsed < TimeSpan.FromSeconds(60))
                    await Task.Delay(5);
                using (var process = Process.GetProcessById(server.Id))
                    process.Kill();
                await Task.WhenAny(import, Task.Delay(10_000));
            }

            SqliteConnection.ClearAllPools();
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database }.ToString());
            await connection.OpenAsync();
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM conversations)";
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (messages, stored) = (reader.GetInt64(0), reader.GetInt64(1));
            if (completed)
                Assert.Equal((conversations * perConversation, conversations), (messages, stored));
            else
                Assert.Equal((0, 0), (messages, stored));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string BigExport(int conversations, int perConversation)
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var list = Enumerable.Range(0, conversations).Select(c => new ExportedConversation(
            $"c_crash{c}", $"Crash {c}", true, null, null, null, null, null, at, at,
            [.. Enumerable.Range(0, perConversation).Select(m => new ExportedMessage(
                $"m_crash{c}_{m}", m == 0 ? null : $"m_crash{c}_{m - 1}", m % 2 == 0 ? "user" : "assistant",
                [JsonSerializer.SerializeToElement(new { type = "text", text = $"message {m} of conversation {c} with some padding text to make it longer" })],
                null, "complete", null, null, null, at))],
            [])).ToList();
        return JsonSerializer.Serialize(new ParleyExport(ParleyExport.FormatName, ParleyExport.CurrentVersion, list), WebJson);
    }

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static bool Contains(string path, string marker)
    {
        if (!File.Exists(path))
            return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0;
    }
}
