using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Parley.Kafka;

/// <summary>Readiness for <c>/health/ready</c>: the worker's broker connection, assignment and consumer lag.</summary>
internal sealed class KafkaHealthCheck(IOptions<KafkaOptions> options, KafkaWorkerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return Task.FromResult(HealthCheckResult.Healthy("Kafka worker off (BOOTSTRAP_SERVER is not set)"));

        var data = new Dictionary<string, object>
        {
            ["connected"] = status.Connected?.ToString() ?? "unknown",
            ["assignedPartitions"] = status.AssignedPartitions,
            ["lag"] = status.Lag?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown",
            ["inFlight"] = status.InFlight,
        };
        var lag = status.Lag is { } known ? known.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
        var summary = $"{settings.ConsumerGroup} on {settings.RequestTopic} at {settings.BootstrapServers}: "
            + $"{(status.Connected switch { true => "connected", false => "disconnected", null => "connecting" })}, "
            + $"{status.AssignedPartitions} partition(s) assigned, lag {lag}, {status.InFlight} in flight";

        HealthCheckResult result = status switch
        {
            { Fatal: { } fatal } => HealthCheckResult.Unhealthy($"Kafka worker stopped: {fatal}", data: data),
            { Running: false } => HealthCheckResult.Degraded($"Kafka worker starting; {summary}", data: data),
            { Connected: false } => HealthCheckResult.Degraded($"{summary}; last error: {status.LastError}", data: data),
            _ => HealthCheckResult.Healthy(summary, data),
        };
        return Task.FromResult(result);
    }
}
