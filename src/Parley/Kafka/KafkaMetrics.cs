using System.Diagnostics.Metrics;

namespace Parley.Kafka;

/// <summary>The worker's instruments in the <c>Parley.Kafka</c> meter (exporting them is a later issue).</summary>
internal sealed class KafkaMetrics
{
    public const string MeterName = "Parley.Kafka";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _deadLetters;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _deduplicated;

    public KafkaMetrics(IMeterFactory meterFactory, KafkaWorkerStatus status)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("parley.kafka.requests", "{request}", "Requests consumed and answered, by outcome (answered, error).");
        _failures = meter.CreateCounter<long>("parley.kafka.failures", "{request}", "Requests answered with an error, by error code.");
        _deadLetters = meter.CreateCounter<long>("parley.kafka.dead_letters", "{request}", "Raw requests copied to the dead-letter topic.");
        _deduplicated = meter.CreateCounter<long>("parley.kafka.deduplicated", "{request}", "Requests answered by the model call of an identical request in the same batch.");
        _duration = meter.CreateHistogram<double>("parley.kafka.request.duration", "s", "From consuming a request to its response being acknowledged.");
        meter.CreateObservableGauge("parley.kafka.consumer.lag", () => status.Lag ?? 0, "{message}", "Messages in the request topic's assigned partitions not yet consumed.");
        meter.CreateObservableUpDownCounter("parley.kafka.in_flight", () => (long)status.InFlight, "{request}", "Requests being answered now.");
        meter.CreateObservableGauge("parley.kafka.connected", () => status.Connected == true ? 1 : 0, null, "1 while a broker connection is up.");
    }

    public void Answered(TimeSpan duration)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("outcome", "answered"));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", "answered"));
    }

    public void Deduplicated() => _deduplicated.Add(1);

    public void Failed(string code, bool deadLettered, TimeSpan duration)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
        _failures.Add(1, new KeyValuePair<string, object?>("code", code));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", "error"));
        if (deadLettered)
            _deadLetters.Add(1);
    }
}
