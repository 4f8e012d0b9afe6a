namespace Parley.Observability;

/// <summary>
/// Section <c>Parley:Telemetry</c>: OTLP export of Parley's metrics (meter <c>Parley</c>) and model-call traces
/// (activity source <c>Parley</c>). Off unless an endpoint is set here or in the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable; the settings here win over the standard <c>OTEL_*</c> variables.
/// Attributes carry model names, outcomes, error codes and token counts only: never prompt text, replies or keys.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Parley:Telemetry";

    /// <summary>
    /// The collector's base address, e.g. <c>http://localhost:4318</c> (http/protobuf) or <c>http://localhost:4317</c> (grpc);
    /// empty: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, and without either nothing is exported. With http/protobuf,
    /// <c>/v1/metrics</c> and <c>/v1/traces</c> are appended.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>; empty: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else <c>grpc</c> (the .NET exporter's default).</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>The <c>service.name</c> resource attribute; empty: <c>OTEL_SERVICE_NAME</c>, else <c>parley</c>.</summary>
    public string? ServiceName { get; set; }

    /// <summary>Seconds between metric exports; empty: <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds), else 60.</summary>
    public double? ExportIntervalSeconds { get; set; }

    /// <summary>Also export a span per model call (activity source <c>Parley</c>).</summary>
    public bool Traces { get; set; } = true;
}
