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

    /// <summary>
    /// First is outermost. Telemetry sees the whole call; budgets and usage charge the caller in the options for
    /// every tool round; the cache answers each round (a hit skips the provider); resilience is innermost, so each
    /// round gets its own retries, breaker and fallbacks.
    /// </summary>
    public IChatClient Build(IChatClient provider, ModelEntry model)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);
        var tokens = TokenCounter.For(model.ModelId);
        return provider.AsBuilder()
            .UseParleyTelemetry(model, metrics, tokens, loggers, _traced)
            .UseTokenBudgets(limiter, tokens)
            .UseUsageAccounting(model, usage, tokens, time)
            .UseResponseCache(model, cache, cacheOptions.Value, cacheStatistics)
            .UseToolInvocation(tools.Value.Loop, loggers)
            .UseResilience(model, resilience)
            .Build();
    }
}
