using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Providers;
using Parley.Tokens;
using Parley.Usage;

namespace Parley.Observability;

/// <summary>
/// Parley's own meters for every call of <paramref name="model"/> (requests by outcome, tokens, duration, time to first
/// token, errors, active streams), and Parley's tags on the call's span, which <see cref="OpenTelemetryChatClient"/>
/// around it started: the model as Parley names it (<c>provider/model</c>), surface, outcome and cache hit.
/// Only model names, surface, outcome and counts are recorded: never prompt text or keys.
/// </summary>
public sealed class ParleyMetricsChatClient(IChatClient innerClient, ModelEntry model, ParleyMetrics metrics, TokenCounter counter) : DelegatingChatClient(innerClient)
{
    private readonly KeyValuePair<string, object?> _model = new("model", model.Id);

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        var activity = Start(options, streaming: false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
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
            End(activity, tally, started);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        var activity = Start(options, streaming: true);
        var started = Stopwatch.GetTimestamp();
        var firstToken = false;
        metrics.ActiveStreams.Add(1, _model);
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
                if (!firstToken && HasText(update))
                {
                    firstToken = true;
                    metrics.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _model);
                }
                tally.Observe(update);
                yield return update;
            }
            tally.Completed();
        }
        finally
        {
            metrics.ActiveStreams.Add(-1, _model);
            End(activity, tally, started);
        }
    }

    /// <summary>The span <see cref="OpenTelemetryChatClient"/> opened for this call, named after Parley's model id.</summary>
    private Activity? Start(ChatOptions? options, bool streaming)
    {
        var activity = Activity.Current is { Source.Name: ParleyTracing.SourceName } current ? current : null;
        if (activity is null)
            return null;
        activity.DisplayName = "chat " + model.Id;
        activity.SetTag("gen_ai.request.model", model.Id);
        activity.SetTag("parley.surface", options.GetCaller().Surface);
        activity.SetTag("parley.streaming", streaming);
        return activity;
    }

    private void End(Activity? activity, UsageTally tally, long started)
    {
        var usage = tally.Total();
        metrics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _model);
        metrics.Requests.Add(1, _model, new("outcome", tally.Outcome));
        if (tally.Outcome is not (UsageRecord.Ok or UsageRecord.Cancelled))
            metrics.Errors.Add(1, _model, new("code", tally.Outcome));
        metrics.Tokens.Add(usage.PromptTokens, _model, new("kind", "prompt"));
        metrics.Tokens.Add(usage.CompletionTokens, _model, new("kind", "completion"));
        if (activity is null)
            return;
        activity.SetTag("gen_ai.response.model", tally.AnsweredBy ?? model.Id);
        activity.SetTag("gen_ai.usage.input_tokens", usage.PromptTokens);
        activity.SetTag("gen_ai.usage.output_tokens", usage.CompletionTokens);
        activity.SetTag("parley.outcome", tally.Outcome);
        activity.SetTag("parley.cached", tally.Cached);
        if (tally.Outcome is not (UsageRecord.Ok or UsageRecord.Cancelled))
            activity.SetStatus(ActivityStatusCode.Error, tally.Outcome);
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
