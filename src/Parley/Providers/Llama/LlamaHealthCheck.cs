using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Providers.Llama;

/// <summary>
/// Readiness for <c>/health/ready</c>: each local model's state and memory. A model that failed to load degrades the
/// instance rather than failing it, since the other providers still answer.
/// </summary>
internal sealed class LlamaHealthCheck(LlamaModels models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (models.All.Count == 0)
            return Task.FromResult(HealthCheckResult.Healthy("No local model is configured"));
        var data = new Dictionary<string, object>();
        var parts = new List<string>();
        var failed = false;
        var loading = false;
        foreach (var model in models.All)
        {
            data[$"{model.Provider}.weightBytes"] = model.WeightBytes;
            data[$"{model.Provider}.contextBytes"] = model.ContextBytes;
            if (model.Failure is { } failure)
            {
                failed = true;
                parts.Add(failure);
            }
            else if (!model.IsLoaded)
            {
                loading = true;
                parts.Add($"{model.Provider}: loading {model.Path}");
            }
            else
            {
                parts.Add($"{model.Provider}: loaded, {model.WeightBytes} bytes of weights, {model.ContextBytes} bytes of contexts, {model.InFlight} replies in flight, prompt format {model.PromptFormat}");
            }
        }
        var summary = string.Join("; ", parts);
        return Task.FromResult(failed || loading ? HealthCheckResult.Degraded(summary, data: data) : HealthCheckResult.Healthy(summary, data));
    }
}
