using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Observability;

/// <summary><c>GET /metrics</c>: Prometheus text format.</summary>
public static class MetricsApi
{
    public static RouteHandlerBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        // Created now, not on the first scrape, so it listens from the start.
        var exporter = app.ServiceProvider.GetRequiredService<PrometheusExporter>();
        return app.MapGet("/metrics", () => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags("Health")
            .AllowAnonymous()
            .ExcludeFromDescription();
    }
}
