using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Parley.Configuration;

namespace Parley.Observability;

/// <summary>
/// Exports the <c>Parley</c> meter (and, with <see cref="TelemetryOptions.Traces"/>, the <c>Parley</c> activity source)
/// over OTLP through OpenTelemetry's hosting: the providers start and stop with the host (stopping exports what is
/// still pending). The settings are read when the providers are built, so configuration added after registration counts;
/// without an endpoint neither the meter nor the source is listened to.
/// </summary>
public static partial class OtlpTelemetry
{
    public static IServiceCollection AddParleyOtlpExport(this IServiceCollection services)
    {
        services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.Section);
        services.AddOpenTelemetry()
            .WithMetrics(metrics => ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
            {
                if (Settings(provider) is not { } settings)
                    return;
                builder.ConfigureResource(resource => resource.AddService(settings.ServiceName))
                    .AddMeter(ParleyMetrics.MeterName)
                    .AddReader(new PeriodicExportingMetricReader(new OtlpMetricExporter(Exporter(settings, provider, "v1/metrics")),
                        (int)settings.ExportInterval.TotalMilliseconds));
                var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OtlpTelemetry).FullName!);
                LogExporting(logger, settings.Endpoint, settings.Protocol, settings.ServiceName);
            }))
            .WithTracing(tracing => ((IDeferredTracerProviderBuilder)tracing).Configure((provider, builder) =>
            {
                if (Settings(provider) is not { Traces: true } settings)
                    return;
                // ASP.NET Core starts an unrecorded activity per request for log correlation; under the default
                // parent-based sampler Parley's spans, its children, were never recorded in the real server.
                builder.ConfigureResource(resource => resource.AddService(settings.ServiceName))
                    .SetSampler(new ParentBasedSampler(new AlwaysOnSampler(), localParentNotSampled: new AlwaysOnSampler()))
                    .AddSource(ParleyTracing.SourceName)
                    .AddProcessor(new BatchActivityExportProcessor(new OtlpTraceExporter(Exporter(settings, provider, "v1/traces"))));
            }));
        return services;
    }

    private static OtlpSettings? Settings(IServiceProvider provider) =>
        Resolve(provider.GetRequiredService<IOptions<TelemetryOptions>>().Value, provider.GetRequiredService<IConfiguration>());

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

    private static OtlpExporterOptions Exporter(OtlpSettings settings, IServiceProvider provider, string signalPath)
    {
        var exporter = new OtlpExporterOptions
        {
            Protocol = settings.Protocol,
            // An endpoint set in code is used as is, so http/protobuf needs the signal's path (the variable alone would add it).
            Endpoint = settings.Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(settings.Endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
                : settings.Endpoint,
        };
        if (provider.GetRequiredService<IConfiguration>()["OTEL_EXPORTER_OTLP_HEADERS"] is { Length: > 0 } headers)
            exporter.Headers = headers;
        return exporter;
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Exporting metrics and traces over OTLP to {Endpoint} ({Protocol}) as service {ServiceName}")]
    private static partial void LogExporting(ILogger logger, Uri endpoint, OtlpExportProtocol protocol, string serviceName);
}

public sealed record OtlpSettings(Uri Endpoint, OtlpExportProtocol Protocol, string ServiceName, TimeSpan ExportInterval, bool Traces);
