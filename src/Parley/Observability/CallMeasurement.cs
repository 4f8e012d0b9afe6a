using System.Diagnostics;
using Parley.Conversations;

namespace Parley.Observability;

/// <summary>Measures one model call: duration, time to first token, tokens and outcome, recorded when disposed.</summary>
public sealed class CallMeasurement : IDisposable
{
    private readonly ParleyMetrics _metrics;
    private readonly KeyValuePair<string, object?> _model;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly bool _streaming;
    private bool _firstToken;
    private string _outcome = "ok";

    public CallMeasurement(ParleyMetrics metrics, string model, bool streaming)
    {
        _metrics = metrics;
        _model = new("model", model);
        _streaming = streaming;
        if (streaming)
            metrics.ActiveStreams.Add(1, _model);
    }

    public void Token()
    {
        if (_firstToken)
            return;
        _firstToken = true;
        _metrics.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, _model);
    }

    public void Usage(TokenUsage usage)
    {
        _metrics.Tokens.Add(usage.PromptTokens, _model, new("kind", "prompt"));
        _metrics.Tokens.Add(usage.CompletionTokens, _model, new("kind", "completion"));
    }

    public void Fail(string code)
    {
        _outcome = code;
        _metrics.Errors.Add(1, _model, new("code", code));
    }

    public void Cancelled() => _outcome = "cancelled";

    public void Dispose()
    {
        if (_streaming)
            _metrics.ActiveStreams.Add(-1, _model);
        _metrics.Duration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, _model);
        _metrics.Requests.Add(1, _model, new("outcome", _outcome));
    }
}
