using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Fakes;
using Parley.Tests.Support;
using Parley.Usage;

namespace Parley.Tests.Usage;

/// <summary>A reply that ends before the provider reported usage is still counted: what was sent and what was seen.</summary>
public sealed class CutStreamUsageTests : OpenAIUpstreamFixture
{
    [Fact(Timeout = 30_000)]
    public async Task A_v1_stream_cut_by_its_client_records_the_prompt_and_the_tokens_seen()
    {
        var server = await StartParleyAsync(new() { ["Parley:Resilience:MaxRetries"] = "0" });
        var chunks = Enumerable.Range(0, 60).Select(i => $" word{i}").ToArray();
        Upstream.Enqueue(FakeReply.Text(chunks) with { ChunkDelay = TimeSpan.FromMilliseconds(50) });

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            request.Content = JsonContent.Create(new
            {
                model = Model, stream = true, stream_options = new { include_usage = true },
                messages = new[] { new { role = "user", content = "Count slowly from one to sixty, one word per number, please." } },
            });
            using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
            var deltas = 0;
            while (deltas < 5 && await reader.ReadLineAsync() is { } line)
            {
                if (line.Contains("\"content\":\" word", StringComparison.Ordinal))
                    deltas++;
            }
            Assert.Equal(5, deltas);
        } // the client leaves here, long before the upstream's final usage chunk

        JsonElement v1 = default;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            Assert.True(await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5)));
            var usage = await server.Client.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=surface");
            v1 = usage.GetProperty("groups").EnumerateArray().FirstOrDefault(g => g.GetProperty("key").GetString() == "v1");
            if (v1.ValueKind == JsonValueKind.Object)
                break;
            await Task.Delay(100);
        }

        Assert.Equal(JsonValueKind.Object, v1.ValueKind);
        Assert.Equal(1, v1.GetProperty("requests").GetInt64());
        Assert.True(v1.GetProperty("promptTokens").GetInt64() >= 10, v1.GetRawText());
        var completion = v1.GetProperty("completionTokens").GetInt64();
        Assert.True(completion >= 5 && completion < 60 * 3, v1.GetRawText());
    }
}
