using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Parley.Observability;

public static class TelemetryChatClientBuilderExtensions
{
    /// <summary>
    /// Adds, when <paramref name="traced"/>, <see cref="OpenTelemetryChatClient"/>: a <c>chat</c> span and the gen_ai
    /// metrics under the source and meter <c>Parley</c>, without message content. Parley's own meters and its tags on
    /// that span come from <see cref="MetricsMeter"/> in the metering layer below. Without an OTLP exporter the span
    /// layer is left out: it keeps every streamed update to describe the reply, which costs each call.
    /// </summary>
    public static ChatClientBuilder UseParleyTelemetry(this ChatClientBuilder builder, ILoggerFactory loggers, bool traced)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return traced ? builder.UseOpenTelemetry(loggers, ParleyTracing.SourceName, otel => otel.EnableSensitiveData = false) : builder;
    }
}
