using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Storage;

/// <summary>Readiness: the conversation store answers.</summary>
internal sealed class StoreHealthCheck(IConversationStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsHealthyAsync(cancellationToken)
            ? HealthCheckResult.Healthy($"{store.Kind} store answers")
            : HealthCheckResult.Unhealthy($"{store.Kind} store unavailable");
}
