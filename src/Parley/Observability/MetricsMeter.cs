using System.Diagnostics;
using Parley.Usage;

namespace Parley.Observability;

/// <summary>
/// Parley's own meters for every measured call (requests by outcome, tokens, duration, time to first token, errors,
/// active streams), and Parley's tags on the call's span: the model as Parley names it (<c>provider/model</c>),
/// surface, outcome and cache hit. Only model names, surface, outcome and counts are recorded: never prompt text or keys.
/// </summary>
internal sealed class MetricsMeter(ParleyMetrics metrics) : ICallMeter
{
    public void Started(CallMeasurement measured)
    {
        if (measured.Streaming)
            metrics.ActiveStreams.Add(1, Model(measured));
        if (measured.Span is not { } span)
            return;
        span.DisplayName = "chat " + measured.Model.Id;
        span.SetTag("gen_ai.request.model", measured.Model.Id);
        span.SetTag("parley.surface", measured.Caller.Surface);
        span.SetTag("parley.streaming", measured.Streaming);
    }

    public ValueTask FinishedAsync(CallMeasurement measured)
    {
        Record(measured);
        return ValueTask.CompletedTask;
    }

    private void Record(CallMeasurement measured)
    {
        var model = Model(measured);
        if (measured.Streaming)
        {
            metrics.ActiveStreams.Add(-1, model);
            if (measured.FirstTokenMs is { } firstToken)
                metrics.TimeToFirstToken.Record(firstToken / 1000, model);
        }

        metrics.Duration.Record(measured.DurationMs / 1000, model);
        metrics.Requests.Add(1, model, new("outcome", measured.Outcome));
        if (measured.IsError)
            metrics.Errors.Add(1, model, new("code", measured.Outcome));
        metrics.Tokens.Add(measured.Usage.Input(), model, new("kind", "prompt"));
        metrics.Tokens.Add(measured.Usage.Output(), model, new("kind", "completion"));
        if (measured.Span is not { } span)
            return;
        span.SetTag("gen_ai.response.model", measured.AnsweredBy);
        span.SetTag("gen_ai.usage.input_tokens", measured.Usage.Input());
        span.SetTag("gen_ai.usage.output_tokens", measured.Usage.Output());
        span.SetTag("parley.outcome", measured.Outcome);
        span.SetTag("parley.cached", measured.Cached);
        if (measured.IsError)
            span.SetStatus(ActivityStatusCode.Error, measured.Outcome);
    }

    private static KeyValuePair<string, object?> Model(CallMeasurement measured) => new("model", measured.Model.Id);
}
