using System.Diagnostics;
using Parley.Conversations;
using Parley.Usage;

namespace Parley.Observability;

/// <summary>
/// Measures one model call: duration, time to first token, tokens and outcome, recorded when disposed into the metrics
/// and, with a <see cref="UsageRecorder"/>, as a usage record of the turn's <see cref="Caller"/>
/// (whose tokens also count against the caller's daily budget in the <see cref="Limits.IUserLimiter"/>).
/// </summary>
public sealed class CallMeasurement : IDisposable
{
    private readonly ParleyMetrics _metrics;
    private readonly UsageRecorder? _recorder;
    private readonly Limits.IUserLimiter? _limiter;
    private readonly Caller _caller;
    private readonly DateTimeOffset _at = DateTimeOffset.UtcNow;
    private readonly string _requestedModel;
    private readonly KeyValuePair<string, object?> _model;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly bool _streaming;
    private double? _firstTokenMs;
    private TokenUsage _usage = new(0, 0, 0);
    private string? _answeredBy;
    private bool _cached;
    private string _outcome = UsageRecord.Ok;
    private readonly Activity? _activity;

    public CallMeasurement(ParleyMetrics metrics, string model, bool streaming, Caller caller, UsageRecorder? recorder = null, Limits.IUserLimiter? limiter = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        _caller = caller;
        _metrics = metrics;
        _recorder = recorder;
        _limiter = limiter;
        _requestedModel = model;
        _model = new("model", model);
        _streaming = streaming;
        // Only model names, surface, outcome and token counts go on the span: never prompt text or keys.
        _activity = ParleyTracing.Source.StartActivity("chat " + model, ActivityKind.Client);
        _activity?.SetTag("gen_ai.request.model", model);
        _activity?.SetTag("parley.surface", _caller.Surface);
        _activity?.SetTag("parley.streaming", streaming);
        if (streaming)
            metrics.ActiveStreams.Add(1, _model);
    }

    public void Token()
    {
        if (_firstTokenMs is not null)
            return;
        var elapsed = Stopwatch.GetElapsedTime(_started);
        _firstTokenMs = elapsed.TotalMilliseconds;
        _metrics.TimeToFirstToken.Record(elapsed.TotalSeconds, _model);
    }

    public void Usage(TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        _usage += usage;
        _metrics.Tokens.Add(usage.PromptTokens, _model, new("kind", "prompt"));
        _metrics.Tokens.Add(usage.CompletionTokens, _model, new("kind", "completion"));
    }

    /// <summary>The model that answered, when a fallback did instead of the requested one.</summary>
    public void AnsweredBy(string? model) => _answeredBy = model ?? _answeredBy;

    /// <summary>The reply came from the response cache.</summary>
    public void Cached() => _cached = true;

    public void Fail(string code)
    {
        _outcome = code;
        _metrics.Errors.Add(1, _model, new("code", code));
    }

    public void Cancelled() => _outcome = UsageRecord.Cancelled;

    public void Dispose()
    {
        if (_streaming)
            _metrics.ActiveStreams.Add(-1, _model);
        var elapsed = Stopwatch.GetElapsedTime(_started);
        _metrics.Duration.Record(elapsed.TotalSeconds, _model);
        _metrics.Requests.Add(1, _model, new("outcome", _outcome));
        // The one place tokens count against the caller's daily budget (every surface's calls pass here); cached replies are free.
        if (!_cached && _usage.TotalTokens > 0)
        {
            _limiter?.RecordTokens(_caller.Owner, _usage.TotalTokens);
            if (_caller.KeyId is { } key)
                _limiter?.RecordTokens(Limits.LimitsEndpointFilter.KeyCaller(key), _usage.TotalTokens);
        }
        if (_activity is not null)
        {
            _activity.SetTag("gen_ai.response.model", _answeredBy ?? _requestedModel);
            _activity.SetTag("gen_ai.usage.input_tokens", _usage.PromptTokens);
            _activity.SetTag("gen_ai.usage.output_tokens", _usage.CompletionTokens);
            _activity.SetTag("parley.outcome", _outcome);
            _activity.SetTag("parley.cached", _cached);
            if (_outcome != UsageRecord.Ok)
                _activity.SetStatus(ActivityStatusCode.Error, _outcome);
            _activity.Dispose();
        }
        _recorder?.Record(new UsageRecord(
            _at, _caller.Owner, _caller.KeyId, _caller.Surface, _requestedModel, _answeredBy ?? _requestedModel,
            _usage.PromptTokens, _usage.CompletionTokens, _usage.TotalTokens, _cached,
            elapsed.TotalMilliseconds, _firstTokenMs, _outcome, Cost: null));
    }
}
