using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Providers;

/// <summary>
/// Seed 001's <c>check_openai_connection</c> for <c>/health/ready</c>: whether each configured network provider answers
/// its model list (<c>GET {base}/models</c>), at most once a minute per provider (a cached answer otherwise), with a
/// three-second limit. An unreachable provider makes the entry degraded, not the server unready: replies to it fail
/// with their own errors, other providers still answer.
/// </summary>
public sealed class ProviderHealthCheck(ModelCatalog catalog, IHttpClientFactory http, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, bool Reachable, string Text)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var results = new List<(string Name, bool Reachable, string Text)>();
        foreach (var (name, provider) in catalog.Providers)
        {
            if (provider.Kind is not (ProviderKinds.OpenAI or ProviderKinds.Anthropic))
                continue;
            var now = time.GetUtcNow();
            if (!_cache.TryGetValue(name, out var known) || now - known.At >= CacheFor)
            {
                var (reachable, text) = await ProbeAsync(provider, cancellationToken);
                _cache[name] = known = (now, reachable, text);
            }
            results.Add((name, known.Reachable, known.Text));
        }
        if (results.Count == 0)
            return HealthCheckResult.Healthy("no network provider configured (mock only)");
        var description = string.Join("; ", results.Select(r => $"{r.Name}: {r.Text}"));
        var data = results.ToDictionary(r => r.Name, r => (object)(r.Reachable ? "reachable" : "unreachable"));
        return results.All(r => r.Reachable) ? HealthCheckResult.Healthy(description, data) : HealthCheckResult.Degraded(description, data: data);
    }

    private async Task<(bool Reachable, string Text)> ProbeAsync(ProviderOptions provider, CancellationToken cancellationToken)
    {
        var anthropic = provider.Kind == ProviderKinds.Anthropic;
        var root = (provider.BaseUrl ?? (anthropic ? "https://api.anthropic.com" : "https://api.openai.com/v1")).TrimEnd('/');
        var url = anthropic && !root.EndsWith("/v1", StringComparison.Ordinal) ? $"{root}/v1/models" : $"{root}/models";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (provider.ApiKey is { Length: > 0 } key)
        {
            if (anthropic)
                request.Headers.Add("x-api-key", key);
            else
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (anthropic)
            request.Headers.Add("anthropic-version", "2023-06-01");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        try
        {
            using var response = await http.CreateClient("parley-health").SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? (true, $"reachable ({status})")
                : status is 401 or 403 ? (false, $"answers but refuses the API key ({status})") : (true, $"reachable, answered {status}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (false, ex is OperationCanceledException ? $"no answer within {Limit.TotalSeconds:0} s" : "unreachable");
        }
    }
}
