using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Errors;
using Parley.Providers.Llama;

namespace Parley.Tests.Providers.Llama;

/// <summary>The llama provider against the real test model: real tokenizer, sampling, streaming and usage.</summary>
public sealed class LlamaChatClientTests : IDisposable
{
    private readonly LlamaModel _model = new("llama", TestModel.Path, new LlamaOptions { ContextSize = 256, Threads = 1 }, NullLogger.Instance);

    [Fact]
    public async Task Streams_story_text_token_by_token_with_exact_usage_and_a_length_finish()
    {
        using var client = new LlamaChatClient(_model, "stories260K");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 20, Seed = 7 }))
            updates.Add(update);

        var texts = updates.SelectMany(u => u.Contents.OfType<TextContent>()).Select(t => t.Text).ToList();
        Assert.True(texts.Count >= 5, $"expected several streamed pieces, got {texts.Count}");
        var text = string.Concat(texts);
        Assert.Matches("[a-z]{3,}", text);
        var usage = updates.SelectMany(u => u.Contents.OfType<UsageContent>()).Single().Details;
        Assert.Equal(20, usage.OutputTokenCount);
        Assert.True(usage.InputTokenCount > 3, $"prompt tokens {usage.InputTokenCount}");
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [Fact]
    public async Task The_same_seed_and_prompt_give_the_same_text_and_another_seed_differs()
    {
        using var client = new LlamaChatClient(_model, "stories260K");
        async Task<string> Write(long seed) =>
            (await client.GetResponseAsync([new(ChatRole.User, "Lily went to the park")], new ChatOptions { MaxOutputTokens = 30, Seed = seed, Temperature = 1f })).Text;

        var first = await Write(42);
        Assert.Equal(first, await Write(42));
        Assert.NotEqual(first, await Write(43));
    }

    [Fact]
    public async Task Stops_at_a_stop_sequence_without_showing_it()
    {
        using var client = new LlamaChatClient(_model, "stories260K");
        // Greedy decoding makes the continuation fixed, so a word from it can serve as the stop sequence.
        var free = (await client.GetResponseAsync([new(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 40, Temperature = 0f })).Text;
        var words = free.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(words.Length > 6, free);
        var stop = " " + words[5];
        var expected = free[..free.IndexOf(stop, StringComparison.Ordinal)];

        var response = await client.GetResponseAsync([new(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 40, Temperature = 0f, StopSequences = [stop] });

        Assert.Equal(expected, response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.OutputTokenCount < 40);
    }

    [Fact]
    public async Task Cancelling_stops_generation_within_a_token()
    {
        using var client = new LlamaChatClient(_model, "stories260K");
        using var cancel = new CancellationTokenSource();
        var pieces = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 200 }, cancel.Token))
            {
                if (update.Contents.OfType<TextContent>().Any() && ++pieces == 3)
                    await cancel.CancelAsync();
            }
        });
        Assert.Equal(3, pieces);
        Assert.Equal(0, _model.InFlight);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_a_400_that_says_so()
    {
        using var client = new LlamaChatClient(_model, "stories260K");
        var huge = string.Join(' ', Enumerable.Repeat("the little dog ran to the park", 200));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new(ChatRole.User, huge)]));

        Assert.Equal(400, error.Status);
        Assert.Equal(ErrorCodes.ContextTooLong, error.Code);
        Assert.Contains("reads at most 255", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _model.Dispose();
}
