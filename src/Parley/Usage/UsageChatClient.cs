using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Providers;
using Parley.Tokens;

namespace Parley.Usage;

/// <summary>
/// Records one <see cref="UsageRecord"/> per call of <paramref name="model"/> for the caller in the call's options:
/// tokens, the model that answered, cache hit, latency, time to the first token and outcome. A stream that ends
/// without a usage report gets one counted with the model's tokenizer (marked <c>estimated</c>), so every surface
/// can report usage; a stream that is cut, cancelled or fails is recorded with what was sent and seen.
/// </summary>
public sealed class UsageChatClient(IChatClient innerClient, ModelEntry model, UsageRecorder recorder, TokenCounter counter, TimeProvider time)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        var at = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            if (response.Usage is null && !response.IsCached())
                response.Usage = Estimated(tally.Estimate());
            tally.Observe(response);
            tally.Completed();
            return response;
        }
        catch (Exception ex)
        {
            tally.Failed(ex, cancellationToken);
            throw;
        }
        finally
        {
            Record(options.GetCaller(), tally, at, started, firstTokenMs: null);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        var at = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        double? firstTokenMs = null;
        ChatResponseUpdate? last = null;
        try
        {
            await using var updates = base.GetStreamingResponseAsync(list, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                        break;
                }
                catch (Exception ex)
                {
                    tally.Failed(ex, cancellationToken);
                    throw;
                }
                var update = updates.Current;
                if (firstTokenMs is null && HasText(update))
                    firstTokenMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                tally.Observe(update);
                last = update;
                yield return update;
            }
            if (!tally.Reported && last is not null && !tally.Cached)
            {
                var reportEstimate = new UsageContent(Estimated(tally.Estimate())) { AdditionalProperties = new() { ["estimated"] = true } };
                var estimate = new ChatResponseUpdate(ChatRole.Assistant, [reportEstimate])
                {
                    ResponseId = last.ResponseId, MessageId = last.MessageId, ModelId = last.ModelId,
                };
                tally.Observe(estimate);
                yield return estimate;
            }
            tally.Completed();
        }
        finally
        {
            tally.ObserveRelay(options);
            Record(options.GetCaller(), tally, at, started, firstTokenMs);
        }
    }

    private static UsageDetails Estimated(Conversations.TokenUsage usage) =>
        new() { InputTokenCount = usage.PromptTokens, OutputTokenCount = usage.CompletionTokens, TotalTokenCount = usage.TotalTokens };

    private void Record(Caller caller, UsageTally tally, DateTimeOffset at, long started, double? firstTokenMs)
    {
        var usage = tally.Total();
        recorder.Record(new UsageRecord(
            at, caller.Owner, caller.KeyId, caller.Surface, model.Id, tally.AnsweredBy ?? model.Id,
            usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens, tally.Cached,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstTokenMs, tally.Outcome, Cost: null));
    }

    private static bool HasText(ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            if (content is TextContent { Text.Length: > 0 })
                return true;
        }
        return false;
    }
}
