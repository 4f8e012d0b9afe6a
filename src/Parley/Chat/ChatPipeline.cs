using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Caching;
using Parley.Limits;
using Parley.Observability;
using Parley.Providers;
using Parley.Resilience;
using Parley.Tokens;
using Parley.Tools;
using Parley.Usage;

namespace Parley.Chat;

/// <summary>The one place that orders Parley's middleware around a model's provider adapter.</summary>
public sealed class ChatPipeline(
    ParleyMetrics metrics,
    IUserLimiter limiter,
    UsageRecorder usage,
    IResponseCache cache,
    IOptions<CacheOptions> cacheOptions,
    CacheStatistics cacheStatistics,
    IOptions<ToolsOptions> tools,
    ProviderResilience resilience,
    TimeProvider time,
    ILoggerFactory loggers,
    IOptions<TelemetryOptions> telemetry,
    Microsoft.Extensions.Configuration.IConfiguration configuration)
{
    // Spans exist only for an OTLP exporter with traces (OtlpTelemetry); the OTEL_* variables live in configuration.
    private readonly bool _traced = OtlpTelemetry.Resolve(telemetry.Value, configuration) is { Traces: true };

    // What each measured call feeds, in this order: the usage record is queued before the budget is charged, so a
    // request refused for the budget finds every call that spent it in /api/usage; metrics come last.
    private readonly ICallMeter[] _meters = [usage, new TokenBudgetMeter(limiter), new MetricsMeter(metrics)];

    /// <summary>
    /// First is outermost. Telemetry's span covers the whole call; metering measures it once (every tool round's
    /// usage included) for the caller in the options and feeds metrics, budgets and usage; the cache answers the
    /// whole call, tool rounds included (a hit skips them and the provider); resilience is innermost, so each tool
    /// round gets its own retries, breaker and fallbacks.
    /// </summary>
    public IChatClient Build(IChatClient provider, ModelEntry model)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        var tokens = TokenCounter.For(model.ModelId);
        return provider.AsBuilder()
            .UseParleyTelemetry(loggers, _traced)
            .UseMetering(model, tokens, time, _meters)
            .UseResponseCache(model, cache, cacheOptions.Value, cacheStatistics)
            .UseParleyTools(tools.Value.Loop, loggers)
            .UseResilience(model, resilience)
            .Build();
    }
}
