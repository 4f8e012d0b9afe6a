using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Providers;
using Parley.Storage;

namespace Parley.Api.Health;

/// <summary>
/// <c>/health</c> (store, providers, warnings for the UI banner), <c>/health/live</c> and <c>/health/ready</c>. Anonymous, so
/// provider URLs are shown without credentials, query or fragment.
/// </summary>
public static class HealthApi
{
    /// <summary>In <c>warnings</c> (and repeated as <c>providerWarning</c>) only when no provider but the mock is configured; the web app shows it to administrators only.</summary>
    public const string NoProviderWarning = "No LLM provider is configured, so replies come from the offline mock model. Set OPENAI_API_KEY or ANTHROPIC_API_KEY to use a real model.";

    public static RouteGroupBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/", Health);
        group.MapGet("/live", () => TypedResults.Ok(new { status = "alive" }));
        group.MapGet("/ready", Ready);
        return group;
    }

    public static async Task<JsonHttpResult<HealthReport>> Health(IConversationStore store, ModelCatalog catalog, Redis.RedisConnection redis, CancellationToken cancellationToken)
    {
        var storeHealthy = await store.IsHealthyAsync(cancellationToken);
        var warnings = new List<string>();
        if (!storeHealthy)
            warnings.Add($"The {store.Kind} store is not answering; conversations cannot be saved right now.");
        if (redis.Warning is { } redisWarning)
            warnings.Add(redisWarning);
        var providerWarning = catalog.HasRealProvider ? null : NoProviderWarning;
        if (providerWarning is not null)
            warnings.Add(providerWarning);

        var providers = catalog.Providers.Select(p => new ProviderHealth(
            p.Key, p.Value.Kind, Configured: p.Value.Kind == ProviderKinds.Mock || !string.IsNullOrEmpty(p.Value.ApiKey) || !string.IsNullOrEmpty(p.Value.BaseUrl),
            BaseUrl: Privacy.UrlRedaction.WithoutCredentials(p.Value.BaseUrl))).ToList();
        var report = new HealthReport(storeHealthy ? "healthy" : "degraded", new StoreHealth(store.Kind, storeHealthy), catalog.Default.Id, providers, warnings, providerWarning);
        return TypedResults.Json(report, statusCode: storeHealthy ? 200 : 503);
    }

    /// <summary>Every registered health check (the store; Kafka and others add theirs with <c>AddHealthChecks()</c>).</summary>
    public static async Task<JsonHttpResult<ReadinessReport>> Ready(HealthCheckService checks, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(cancellationToken);
        var entries = report.Entries.ToDictionary(e => e.Key, e => new ReadinessEntry(e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description));
        var ready = report.Status != HealthStatus.Unhealthy;
        return TypedResults.Json(new ReadinessReport(ready ? "ready" : "not_ready", entries), statusCode: ready ? 200 : 503);
    }
}

public sealed record ReadinessReport(string Status, IReadOnlyDictionary<string, ReadinessEntry> Checks);

public sealed record ReadinessEntry(string Status, string? Description);

/// <param name="ProviderWarning">The warning about having no real provider, when it is one of <paramref name="Warnings"/>: an operator's matter, not every user's.</param>
public sealed record HealthReport(
    string Status, StoreHealth Store, string DefaultModel, IReadOnlyList<ProviderHealth> Providers, IReadOnlyList<string> Warnings, string? ProviderWarning);

public sealed record StoreHealth(string Kind, bool Healthy);

public sealed record ProviderHealth(string Name, string Kind, bool Configured, string? BaseUrl);
