using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Redis;

/// <summary>Readiness entry <c>redis</c> (only when Redis is configured): Degraded, not Unhealthy, while it is unreachable, because Parley keeps serving.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.IsAvailable
            ? HealthCheckResult.Healthy($"Redis answers ({redis.Describe()})")
            : HealthCheckResult.Degraded(redis.Warning));
}
