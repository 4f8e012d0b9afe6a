using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Tests.Operations;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_ends_running_streams_cleanly_keeps_the_partial_reply_and_refuses_new_requests()
    {
        var folder = Path.Combine(Path.GetTempPath(), "parley-shutdown", Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string> { ["Parley__ShutdownGraceSeconds"] = "1" };
        var words = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"w{i}"));
        try
        {
            string id;
            await using (var server = await ServerProcess.StartAsync(folder, environment))
            {
                var created = await server.Client.PostAsJsonAsync("/api/conversations", new { });
                id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{id}/messages")
                {
                    Content = JsonContent.Create(new { content = words + " [[mock:tps 20]]" }),
                };
                using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                var texts = 0;
                while (texts < 3 && await reader.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("data: {\"type\":\"text\"", StringComparison.Ordinal))
                        texts++;
                }

                server.Terminate();
                await Task.Delay(200);
                using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
                await Assert.ThrowsAnyAsync<Exception>(() => probe.GetAsync($"http://127.0.0.1:{server.Port}/health/live"));

                var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(15));
                Assert.Contains("\"code\":\"server_shutting_down\"", rest);
                Assert.Contains("\"type\":\"assistant_end\"", rest);
                Assert.EndsWith("data: [DONE]\n\n", rest);
                Assert.True(server.WaitForExit(TimeSpan.FromSeconds(15)), "the server did not exit after SIGTERM");
                Assert.Equal(0, server.ExitCode);
            }

            await using var restarted = await ServerProcess.StartAsync(folder);
            var conversation = await restarted.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
            var reply = conversation.GetProperty("messages")[1];
            Assert.Equal("error", reply.GetProperty("status").GetString());
            Assert.Equal("server_shutting_down", reply.GetProperty("error").GetProperty("code").GetString());
            var text = reply.GetProperty("text").GetString()!;
            Assert.StartsWith("w0 w1 w2", text);
            Assert.StartsWith(text, words);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
