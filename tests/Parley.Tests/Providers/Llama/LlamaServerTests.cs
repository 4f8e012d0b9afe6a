using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;
using Parley.Providers.Llama;
using Parley.Tests.Support;

namespace Parley.Tests.Providers.Llama;

/// <summary>The test model through the real server: every surface reaches it, and it is the default when no key is set.</summary>
public sealed class LlamaServerTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync(TestModel.Settings(parallel: 2));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ChatClient Sdk() =>
        new("llama/stories260K", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

    [Fact]
    public async Task With_no_key_configured_the_local_model_is_the_default()
    {
        var health = await _server.Client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("llama/stories260K", health.GetProperty("defaultModel").GetString());
        var models = await _server.Client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Contains(models.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "llama/stories260K" && m.GetProperty("is_default").GetBoolean());
    }

    [Fact]
    public async Task Chat_completions_answer_with_exact_usage_through_the_OpenAI_SDK()
    {
        var completion = (await Sdk().CompleteChatAsync([new UserChatMessage("Once upon a time")], new ChatCompletionOptions { MaxOutputTokenCount = 16 })).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(16, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 3);
        Assert.Matches("[a-z]{3,}", completion.Content[0].Text);
    }

    [Fact]
    public async Task Chat_completions_stream_token_by_token_and_end_with_usage()
    {
        var pieces = new List<string>();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk().CompleteChatStreamingAsync([new UserChatMessage("The cat")], new ChatCompletionOptions { MaxOutputTokenCount = 12 }))
        {
            pieces.AddRange(update.ContentUpdate.Select(p => p.Text));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.True(pieces.Count >= 4, $"{pieces.Count} pieces");
        Assert.Equal(12, usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, finish);
    }

    [Fact]
    public async Task The_stateless_chat_api_streams_the_seed_events_from_the_local_model()
    {
        var stream = await Sse.PostAsync(_server.Client, "/api/chat", new { message = "Tom had a red ball", model = "llama/stories260K" });

        Assert.Contains("text", stream.Types);
        Assert.Equal("context_update", stream.Types[^1]);
        Assert.False(string.IsNullOrWhiteSpace(stream.Text));
    }

    [Fact]
    public async Task A_conversation_reply_from_the_local_model_is_stored_with_its_model()
    {
        var id = await _server.CreateConversationAsync(new { model = "llama/stories260K" });
        var stream = await Sse.PostAsync(_server.Client, $"/api/conversations/{id}/messages", new { content = "Tell me a story about a frog" });
        Assert.DoesNotContain("error", stream.Types);

        var stored = await _server.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var reply = stored.GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("assistant", reply.GetProperty("role").GetString());
        Assert.Equal("llama/stories260K", reply.GetProperty("model").GetString());
        Assert.Equal("complete", reply.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(stream.Text));
        Assert.Contains("usage", stream.Types);
    }

    [Fact]
    public async Task Concurrent_replies_share_one_copy_of_the_weights()
    {
        var models = _server.Services.GetRequiredService<LlamaModels>();
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Sdk().CompleteChatAsync([new UserChatMessage($"Story number {i}")], new ChatCompletionOptions { MaxOutputTokenCount = 24 })));

        Assert.All(replies, r => Assert.Equal(24, r.Value.Usage.OutputTokenCount));
        var model = Assert.Single(models.All);
        Assert.True(model.WeightBytes > 500_000, $"weights {model.WeightBytes}");
        Assert.True(model.ContextBytes > 0);
        Assert.Equal(0, model.InFlight);

        var ready = await _server.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Contains("loaded", ready.GetProperty("checks").GetProperty("local_models").GetProperty("description").GetString(), StringComparison.Ordinal);
        var metrics = await _server.Client.GetStringAsync("/metrics");
        Assert.Contains("parley_local_model_memory", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_sequence_and_queue_place_is_taken_a_request_gets_503_with_Retry_After()
    {
        var model = Assert.Single(_server.Services.GetRequiredService<LlamaModels>().All);
        var held = new List<IDisposable>();
        try
        {
            // Parallel 2 + MaxQueue 16: take both sequences, then fill the queue with waiters that never get one.
            held.Add(await model.AcquireAsync(CancellationToken.None));
            held.Add(await model.AcquireAsync(CancellationToken.None));
            using var stopWaiting = new CancellationTokenSource();
            var waiters = Enumerable.Range(0, 16).Select(_ => model.AcquireAsync(stopWaiting.Token)).ToList();

            var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "llama/stories260K", messages = new[] { new { role = "user", content = "hi" } } });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("2", response.Headers.GetValues("Retry-After").Single());
            Assert.Contains("busy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await stopWaiting.CancelAsync();
            foreach (var waiter in waiters)
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
        Assert.Equal(0, model.InFlight);
    }
}
