using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Fakes;
using Parley.Tests.Identity;
using Parley.Tests.Support;
using Parley.Usage;

namespace Parley.Tests.Compression;

/// <summary>
/// Context compression through the real server: the fake OpenAI upstream answers both the conversation and the summariser
/// (same model), with a 300-token budget (1300-token window, 1000 reserved for the reply) and 104-token user messages,
/// so the third turn no longer fits.
/// </summary>
public sealed class CompressionIntegrationTests : OpenAIUpstreamFixture
{
    private Task<ParleyTestServer> StartAsync(bool enabled = true) => StartParleyAsync(new()
    {
        ["Parley:Resilience:MaxRetries"] = "0",
        ["Parley:Providers:openai:ContextWindowTokens"] = "1300",
        ["Parley:MaxTokens"] = "1000",
        ["Parley:ContextCompression:Enabled"] = enabled ? "true" : "false",
        ["Parley:ContextCompression:Model"] = Model,
    });

    // About 104 tokens with gpt-4o-mini's tokenizer (o200k_base): " word" is one token.
    private static string UserText(int n) => $"TAG-U{n}" + string.Concat(Enumerable.Repeat(" word", 96));

    private IReadOnlyList<FakeRequest> Completions => [.. Upstream.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

    private static bool IsSummaryCall(FakeRequest request) => request.Body.Contains("You compress chat history", StringComparison.Ordinal);

    private static async Task<Sse.SseReply> SendAsync(ParleyTestServer server, string id, int n)
    {
        var reply = await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = UserText(n) });
        Assert.Empty(reply.OfType("error"));
        Assert.Equal($"A{n}", reply.Text);
        return reply;
    }

    private static async Task<List<JsonElement>> MessagesAsync(ParleyTestServer server, string id)
    {
        var conversation = await server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        return [.. conversation.GetProperty("messages").EnumerateArray()];
    }

    private static List<JsonElement> Parts(JsonElement message, string type) =>
        [.. message.GetProperty("content").EnumerateArray().Where(p => p.GetProperty("type").GetString() == type)];

    [Fact(Timeout = 30_000)]
    public async Task The_oldest_turns_are_summarised_once_stored_shown_reused_and_summarised_again_when_outgrown()
    {
        var server = await StartAsync();
        var id = await server.CreateConversationAsync();
        Upstream.Enqueue(FakeReply.Text("A1"), FakeReply.Text("A2"));
        await SendAsync(server, id, 1);
        await SendAsync(server, id, 2);
        Assert.DoesNotContain(Completions, IsSummaryCall);

        // Turn 3 outgrows the budget: one summary call (the two oldest turns), then the reply with the summary as context.
        Upstream.Enqueue(FakeReply.Text("SUMMARY-ONE: the user sent two long notes."), FakeReply.Text("A3"));
        var third = await SendAsync(server, id, 3);
        Assert.Equal(4, Completions.Count);
        var summaryCall = Completions[2];
        Assert.True(IsSummaryCall(summaryCall));
        Assert.False(summaryCall.Root.TryGetProperty("stream", out var stream) && stream.GetBoolean());
        Assert.Contains("TAG-U1", summaryCall.Body, StringComparison.Ordinal);
        Assert.Contains("TAG-U2", summaryCall.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TAG-U3", summaryCall.Body, StringComparison.Ordinal);
        var replyCall = Completions[3];
        Assert.Contains("SUMMARY-ONE", replyCall.Body, StringComparison.Ordinal);
        Assert.Contains("TAG-U3", replyCall.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TAG-U1", replyCall.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TAG-U2", replyCall.Body, StringComparison.Ordinal);

        // Stored on the reply and visible in the API (and in the stream's final message).
        var messages = await MessagesAsync(server, id);
        Assert.Equal(6, messages.Count);
        var summary = Assert.Single(Parts(messages[5], "context_summary"));
        Assert.Equal("SUMMARY-ONE: the user sent two long notes.", summary.GetProperty("text").GetString());
        Assert.Equal(4, summary.GetProperty("messageCount").GetInt32());
        Assert.Equal(messages[3].GetProperty("id").GetString(), summary.GetProperty("throughMessageId").GetString());
        Assert.Equal(Model, summary.GetProperty("model").GetString());
        Assert.Equal("A3", messages[5].GetProperty("text").GetString());
        var end = Assert.Single(third.OfType("assistant_end"));
        Assert.Contains("context_summary", end.GetRawText(), StringComparison.Ordinal);

        // Turn 4 fits with the stored summary: reused, not summarised again.
        Upstream.Enqueue(FakeReply.Text("A4"));
        await SendAsync(server, id, 4);
        Assert.Equal(5, Completions.Count);
        Assert.Contains("SUMMARY-ONE", Completions[4].Body, StringComparison.Ordinal);
        Assert.Contains("TAG-U3", Completions[4].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TAG-U1", Completions[4].Body, StringComparison.Ordinal);
        messages = await MessagesAsync(server, id);
        Assert.Empty(Parts(messages[7], "context_summary"));

        // Turn 5 outgrows it: the new summary folds in the stored one instead of re-reading the first turns.
        Upstream.Enqueue(FakeReply.Text("SUMMARY-TWO"), FakeReply.Text("A5"));
        await SendAsync(server, id, 5);
        Assert.Equal(7, Completions.Count);
        Assert.True(IsSummaryCall(Completions[5]));
        Assert.Contains("SUMMARY-ONE", Completions[5].Body, StringComparison.Ordinal);
        Assert.Contains("TAG-U4", Completions[5].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("TAG-U1", Completions[5].Body, StringComparison.Ordinal);
        Assert.Contains("SUMMARY-TWO", Completions[6].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("SUMMARY-ONE", Completions[6].Body, StringComparison.Ordinal);
        messages = await MessagesAsync(server, id);
        var second = Assert.Single(Parts(messages[9], "context_summary"));
        Assert.Equal(8, second.GetProperty("messageCount").GetInt32());
        Assert.Equal(messages[7].GetProperty("id").GetString(), second.GetProperty("throughMessageId").GetString());

        // The summaries are model calls of their own, counted in usage under the compression surface.
        Assert.True(await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5)));
        var usage = await server.Client.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=surface");
        var compression = usage.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == "compression");
        Assert.Equal(2, compression.GetProperty("requests").GetInt64());
        Assert.True(compression.GetProperty("totalTokens").GetInt64() > 0);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_keys_summary_tokens_count_against_that_key_in_usage_and_its_daily_budget()
    {
        var server = await StartAsync();
        // 3 x 18 tokens of replies fit the key's 100-token budget; the 1007-token summary does not.
        var created = await server.Client.PostAsJsonAsync("/api/keys", new { name = "script", dailyTokenLimit = 100 });
        var createdKey = await created.Content.ReadFromJsonAsync<JsonElement>();
        var keyId = createdKey.GetProperty("id").GetString()!;
        using var client = server.ClientWithKey(createdKey.GetProperty("key").GetString()!);
        var id = await server.CreateConversationAsync();
        Upstream.Enqueue(FakeReply.Text("A1"), FakeReply.Text("A2"));
        Assert.Equal("A1", (await Sse.PostAsync(client, $"/api/conversations/{id}/messages", new { content = UserText(1) })).Text);
        Assert.Equal("A2", (await Sse.PostAsync(client, $"/api/conversations/{id}/messages", new { content = UserText(2) })).Text);

        Upstream.Enqueue(FakeReply.Text("SUMMARY") with { PromptTokens = 1000 }, FakeReply.Text("A3"));
        Assert.Equal("A3", (await Sse.PostAsync(client, $"/api/conversations/{id}/messages", new { content = UserText(3) })).Text);
        Assert.True(IsSummaryCall(Completions[2]));

        Assert.True(await server.Services.GetRequiredService<UsageRecorder>().FlushAsync(TimeSpan.FromSeconds(5)));
        var usage = await server.Client.GetFromJsonAsync<JsonElement>("/api/usage?groupBy=key");
        var key = usage.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == keyId);
        Assert.Equal(4, key.GetProperty("requests").GetInt64());
        Assert.Equal((3 * 18) + 1007, key.GetProperty("totalTokens").GetInt64());

        var refused = await client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = UserText(4) });
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("budget_exhausted", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failing_summariser_drops_the_oldest_turns_and_says_so_without_failing_the_reply()
    {
        var server = await StartAsync();
        var id = await server.CreateConversationAsync();
        Upstream.Enqueue(FakeReply.Text("A1"), FakeReply.Text("A2"));
        await SendAsync(server, id, 1);
        await SendAsync(server, id, 2);

        Upstream.Enqueue(new FakeReply { ErrorStatus = 500 }, FakeReply.Text("A3"));
        await SendAsync(server, id, 3);

        Assert.Equal(4, Completions.Count);
        Assert.True(IsSummaryCall(Completions[2]));
        var replyCall = Completions[3];
        Assert.DoesNotContain("TAG-U1", replyCall.Body, StringComparison.Ordinal);
        Assert.Contains("TAG-U3", replyCall.Body, StringComparison.Ordinal);
        var messages = await MessagesAsync(server, id);
        var reply = messages[5];
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.Equal("A3", reply.GetProperty("text").GetString());
        Assert.Empty(Parts(reply, "context_summary"));
        var note = Assert.Single(Parts(reply, "context_trimmed"));
        Assert.False(string.IsNullOrEmpty(note.GetProperty("reason").GetString()));
        Assert.Contains("could not be summarised", note.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_compression_the_oldest_turns_are_dropped_silently()
    {
        var server = await StartAsync(enabled: false);
        var id = await server.CreateConversationAsync();
        Upstream.Enqueue(FakeReply.Text("A1"), FakeReply.Text("A2"), FakeReply.Text("A3"));
        await SendAsync(server, id, 1);
        await SendAsync(server, id, 2);
        await SendAsync(server, id, 3);

        Assert.Equal(3, Completions.Count);
        Assert.DoesNotContain("TAG-U1", Completions[2].Body, StringComparison.Ordinal);
        var messages = await MessagesAsync(server, id);
        Assert.All(messages, m => Assert.All(m.GetProperty("content").EnumerateArray(),
            p => Assert.StartsWith("t", p.GetProperty("type").GetString(), StringComparison.Ordinal)));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_summariser_model_that_is_not_configured_or_bad_percentages_stop_startup()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartParleyAsync(new()
        {
            ["Parley:ContextCompression:Enabled"] = "true",
            ["Parley:ContextCompression:Model"] = "nowhere/model",
            ["Parley:ContextCompression:TriggerPercent"] = "40",
            ["Parley:ContextCompression:KeepRecentPercent"] = "60",
        }));

        Assert.Contains("Parley:ContextCompression:Model:", error.Message, StringComparison.Ordinal);
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
        Assert.Contains("KeepRecentPercent must be below TriggerPercent", error.Message, StringComparison.Ordinal);
    }
}
