using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Providers;
using Parley.Tokens;

namespace Parley.Observability;

public static class TelemetryChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="OpenTelemetryChatClient"/> (a <c>chat</c> span and the gen_ai metrics under the source and meter
    /// <c>Parley</c>, without message content) and, inside it, <see cref="ParleyMetricsChatClient"/> (Parley's meters and span tags).
    /// </summary>
    public static ChatClientBuilder UseParleyTelemetry(this ChatClientBuilder builder, ModelEntry model, ParleyMetrics metrics, TokenCounter counter, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .UseOpenTelemetry(loggers, ParleyTracing.SourceName, otel => otel.EnableSensitiveData = false)
            .Use(inner => new ParleyMetricsChatClient(inner, model, metrics, counter));
    }
}
