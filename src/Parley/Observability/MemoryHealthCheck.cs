using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Observability;

/// <summary>
/// Seed 001's <c>check_memory_usage</c> for <c>/health/ready</c>: the process's working set and managed heap; degraded
/// when the working set passes <see cref="DegradedAboveBytes"/> (default 90% of the memory the runtime may use, which
/// follows a container's limit).
/// </summary>
public sealed class MemoryHealthCheck : IHealthCheck
{
    public long DegradedAboveBytes { get; init; } = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.9);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var process = Process.GetCurrentProcess();
        var workingSet = process.WorkingSet64;
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        var data = new Dictionary<string, object> { ["workingSetBytes"] = workingSet, ["managedHeapBytes"] = heap, ["limitBytes"] = DegradedAboveBytes };
        var text = $"working set {workingSet / (1024 * 1024)} MB, managed heap {heap / (1024 * 1024)} MB, limit {DegradedAboveBytes / (1024 * 1024)} MB";
        return Task.FromResult(workingSet > DegradedAboveBytes ? HealthCheckResult.Degraded(text, data: data) : HealthCheckResult.Healthy(text, data));
    }
}
