using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Parley.Observability;

/// <summary>
/// Exports the <c>Parley</c> meter (and, with <see cref="TelemetryOptions.Traces"/>, the <c>Parley</c> activity source)
/// over OTLP while the host runs. OpenTelemetry.Extensions.Hosting is missing from the registry copy, so this hosted
/// service builds the providers itself and disposes them (a final export) when the host stops.
/// </summary>
public sealed partial class OtlpTelemetry(IOptions<TelemetryOptions> options, IConfiguration configuration, ILogger<OtlpTelemetry> logger)
    : IHostedService, IDisposable
{
    private MeterProvider? _meters;
    private TracerProvider? _traces;

    /// <summary>The resolved export settings, or null when no endpoint is configured.</summary>
    public OtlpSettings? Settings { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Settings = Resolve(options.Value, configuration);
        if (Settings is not { } settings)
            return Task.CompletedTask;

        var resource = ResourceBuilder.CreateDefault().AddService(settings.ServiceName);
        _meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(ParleyMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, settings, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.ExportInterval.TotalMilliseconds;
            })
            .Build();
        if (settings.Traces)
        {
            _traces = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .AddSource(ParleyTracing.SourceName)
                .AddOtlpExporter(exporter => Configure(exporter, settings, "v1/traces"))
                .Build();
        }
        LogExporting(logger, settings.Endpoint, settings.Protocol, settings.ServiceName);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // Disposing shuts the providers down, which exports what is still pending.
        _traces?.Dispose();
        _traces = null;
        _meters?.Dispose();
        _meters = null;
    }

    /// <summary>The settings in effect: <c>Parley:Telemetry:*</c> first, then the standard <c>OTEL_*</c> variables.</summary>
    public static OtlpSettings? Resolve(TelemetryOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoint = FirstSet(options.OtlpEndpoint, configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (endpoint is null)
            return null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new InvalidOperationException($"The OTLP endpoint '{endpoint}' is not an http(s) address such as http://localhost:4318 (Parley:Telemetry:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT).");

        var protocolName = FirstSet(options.OtlpProtocol, configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]) ?? "grpc";
        var protocol = protocolName.ToLowerInvariant() switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new InvalidOperationException(
                $"The OTLP protocol '{protocolName}' is not supported: use grpc or http/protobuf (Parley:Telemetry:OtlpProtocol or OTEL_EXPORTER_OTLP_PROTOCOL)."),
        };

        var interval = options.ExportIntervalSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds)
            : double.TryParse(configuration["OTEL_METRIC_EXPORT_INTERVAL"], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms > 0
                ? TimeSpan.FromMilliseconds(ms)
                : TimeSpan.FromSeconds(60);
        var service = FirstSet(options.ServiceName, configuration["OTEL_SERVICE_NAME"]) ?? "parley";
        return new OtlpSettings(uri, protocol, service, interval, options.Traces);
    }

    private static void Configure(OtlpExporterOptions exporter, OtlpSettings settings, string signalPath)
    {
        exporter.Protocol = settings.Protocol;
        // An endpoint set in code is used as is, so http/protobuf needs the signal's path (the variable alone would add it).
        exporter.Endpoint = settings.Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(settings.Endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : settings.Endpoint;
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Exporting metrics and traces over OTLP to {Endpoint} ({Protocol}) as service {ServiceName}")]
    private static partial void LogExporting(ILogger logger, Uri endpoint, OtlpExportProtocol protocol, string serviceName);
}

public sealed record OtlpSettings(Uri Endpoint, OtlpExportProtocol Protocol, string ServiceName, TimeSpan ExportInterval, bool Traces);
