using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Observability;
using Parley.Providers;
using Parley.Tokens;

namespace Parley.Usage;

/// <summary>
/// Measures every call of <paramref name="model"/> once, for the caller in the call's options, and hands the
/// <see cref="CallMeasurement"/> to each <see cref="ICallMeter"/> (metrics, token budgets, usage records): tokens, the
/// model that answered, cache hit, duration, time to the first token and outcome. A stream that ends without a usage
/// report gets one counted with the model's tokenizer (marked <c>estimated</c>), so every surface can report usage; a
/// stream that is cut, cancelled or fails is measured with what was sent and seen.
/// </summary>
public sealed class MeteringChatClient(IChatClient innerClient, ModelEntry model, TokenCounter counter, TimeProvider time, IReadOnlyList<ICallMeter> meters)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        var call = Start(options, streaming: false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            if (response.Usage is null && !response.IsCached())
                response.Usage = tally.Estimate();
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
            await FinishAsync(call, tally, started, firstTokenMs: null).ConfigureAwait(false);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        var call = Start(options, streaming: true);
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
                var reportEstimate = new UsageContent(tally.Estimate()) { AdditionalProperties = new() { ["estimated"] = true } };
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
            await FinishAsync(call, tally, started, firstTokenMs).ConfigureAwait(false);
        }
    }

    private CallMeasurement Start(ChatOptions? options, bool streaming)
    {
        var span = Activity.Current is { Source.Name: ParleyTracing.SourceName } current ? current : null;
        var call = new CallMeasurement(model, options.GetCaller(), streaming, time.GetUtcNow(), span);
        for (var i = 0; i < meters.Count; i++)
            meters[i].Started(call);
        return call;
    }

    private async ValueTask FinishAsync(CallMeasurement call, UsageTally tally, long started, double? firstTokenMs)
    {
        call.End(tally, Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstTokenMs);
        for (var i = 0; i < meters.Count; i++)
            await meters[i].FinishedAsync(call).ConfigureAwait(false);
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
