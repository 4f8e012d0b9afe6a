using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Providers;
using Parley.Tokens;

namespace Parley.Observability;

public static class TelemetryChatClientBuilderExtensions
{
    /// <summary>
    /// Adds, when <paramref name="traced"/>, <see cref="OpenTelemetryChatClient"/> (a <c>chat</c> span and the gen_ai
    /// metrics under the source and meter <c>Parley</c>, without message content) and, always,
    /// <see cref="ParleyMetricsChatClient"/> (Parley's meters, and its tags on that span). Without an OTLP exporter the
    /// span layer is left out: it keeps every streamed update to describe the reply, which costs each call.
    /// </summary>
    public static ChatClientBuilder UseParleyTelemetry(this ChatClientBuilder builder, ModelEntry model, ParleyMetrics metrics, TokenCounter counter, ILoggerFactory loggers, bool traced)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (traced)
            builder.UseOpenTelemetry(loggers, ParleyTracing.SourceName, otel => otel.EnableSensitiveData = false);
        return builder.Use(inner => new ParleyMetricsChatClient(inner, model, metrics, counter));
    }
}
