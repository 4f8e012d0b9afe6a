using System.Diagnostics.Metrics;

namespace Parley.Observability;

/// <summary>Parley's instruments (meter <c>Parley</c>); model calls are measured by the pipeline's metering layer (<see cref="MetricsMeter"/>).</summary>
public sealed class ParleyMetrics : IDisposable
{
    public const string MeterName = "Parley";

    private readonly Meter _meter;

    public ParleyMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        Requests = _meter.CreateCounter<long>("parley.chat.requests", description: "Model calls, by model and outcome (ok or an error code).");
        Tokens = _meter.CreateCounter<long>("parley.chat.tokens", "{token}", "Tokens used, by model and kind (prompt or completion).");
        Duration = _meter.CreateHistogram<double>("parley.chat.duration", "s", "Time from the call to the end of the reply.");
        TimeToFirstToken = _meter.CreateHistogram<double>("parley.chat.time_to_first_token", "s", "Time from the call to the first streamed token.");
        Errors = _meter.CreateCounter<long>("parley.chat.errors", description: "Failed model calls, by error code.");
        ActiveStreams = _meter.CreateUpDownCounter<long>("parley.chat.active_streams", description: "Replies streaming right now.");
        Retries = _meter.CreateCounter<long>("parley.provider.retries", description: "Provider calls retried after a transient failure, by model and error code.");
        Fallbacks = _meter.CreateCounter<long>("parley.provider.fallbacks", description: "Calls handed to a fallback model, by model and fallback.");
        LimitsRejected = _meter.CreateCounter<long>("parley.limits.rejected", description: "Requests refused by a caller's limits (429), by code (rate_limited or budget_exhausted).");
        CacheHits = _meter.CreateCounter<long>("parley.cache.hits", description: "Calls answered from the response cache, by model.");
        CacheMisses = _meter.CreateCounter<long>("parley.cache.misses", description: "Cacheable calls the response cache could not answer, by model.");
        CacheStores = _meter.CreateCounter<long>("parley.cache.stores", description: "Replies stored in the response cache, by model.");
        BreakerOpen = _meter.CreateUpDownCounter<long>("parley.provider.breaker_open", description: "1 while a model's circuit breaker is open, by model.");
        UsageDropped = _meter.CreateCounter<long>("parley.usage.dropped", description: "Usage records dropped because the usage queue was full.");
        AuditDropped = _meter.CreateCounter<long>("parley.audit.dropped", description: "Audit events not written: the audit queue was full, or refused API keys over the per-minute cap.");
    }

    public Counter<long> Requests { get; }

    public Counter<long> Tokens { get; }

    public Histogram<double> Duration { get; }

    public Histogram<double> TimeToFirstToken { get; }

    public Counter<long> Errors { get; }

    public UpDownCounter<long> ActiveStreams { get; }

    public Counter<long> Retries { get; }

    public Counter<long> Fallbacks { get; }

    public UpDownCounter<long> BreakerOpen { get; }

    public Counter<long> LimitsRejected { get; }

    public Counter<long> CacheHits { get; }

    public Counter<long> CacheMisses { get; }

    public Counter<long> CacheStores { get; }

    public Counter<long> UsageDropped { get; }

    public Counter<long> AuditDropped { get; }

    public void Dispose() => _meter.Dispose();
}
