using System.Diagnostics;
using Microsoft.Extensions.AI;
using Parley.Conversations;
using Parley.Providers;

namespace Parley.Usage;

/// <summary>One call through a model's pipeline as <see cref="MeteringChatClient"/> measured it: for whom, what it used and how it ended.</summary>
public sealed class CallMeasurement
{
    internal CallMeasurement(ModelEntry model, Caller caller, bool streaming, DateTimeOffset at, Activity? span)
    {
        Model = model;
        Caller = caller;
        Streaming = streaming;
        At = at;
        Span = span;
        AnsweredBy = model.Id;
    }

    public ModelEntry Model { get; }

    public Caller Caller { get; }

    public bool Streaming { get; }

    /// <summary>When the call started.</summary>
    public DateTimeOffset At { get; }

    /// <summary>The call's span, opened by <c>OpenTelemetryChatClient</c> when traces are exported.</summary>
    public Activity? Span { get; }

    /// <summary>The reported usage, else what was sent and seen counted with the model's tokenizer; final in <see cref="ICallMeter.FinishedAsync"/>.</summary>
    public UsageDetails Usage { get; private set; } = UsageTokens.Of(0, 0);

    /// <summary>The model that answered (a fallback may have answered instead of <see cref="Model"/>).</summary>
    public string AnsweredBy { get; private set; }

    public bool Cached { get; private set; }

    /// <summary><c>ok</c>, <c>cancelled</c> or the error code.</summary>
    public string Outcome { get; private set; } = UsageRecord.Cancelled;

    public bool IsError => Outcome is not (UsageRecord.Ok or UsageRecord.Cancelled);

    public double DurationMs { get; private set; }

    /// <summary>Time to the first streamed text; null for a call that was not streamed or streamed none.</summary>
    public double? FirstTokenMs { get; private set; }

    internal void End(UsageTally tally, double durationMs, double? firstTokenMs)
    {
        Usage = tally.Total();
        AnsweredBy = tally.AnsweredBy ?? Model.Id;
        Cached = tally.Cached;
        Outcome = tally.Outcome;
        DurationMs = durationMs;
        FirstTokenMs = firstTokenMs;
    }
}
