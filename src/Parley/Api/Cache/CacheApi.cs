using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Parley.Caching;

namespace Parley.Api.Cache;

/// <summary><c>GET /api/cache</c>: the response cache's statistics; and the <c>Cache-Control</c> opt-out every chat surface honours.</summary>
public static class CacheApi
{
    public static RouteHandlerBuilder MapCacheApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/cache", Get).WithTags("Health");

    public static async Task<Ok<CacheStats>> Get(CacheStatistics statistics) => TypedResults.Ok(await statistics.SnapshotAsync());

    /// <summary>True when the request says <c>Cache-Control: no-cache</c> or <c>no-store</c>.</summary>
    public static bool OptsOut(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.GetTypedHeaders().CacheControl;
        return header is { NoCache: true } or { NoStore: true };
    }

    /// <summary>Applies the request's <c>Cache-Control</c> opt-out to <paramref name="options"/>.</summary>
    public static void ApplyTo(HttpRequest request, ChatOptions options)
    {
        if (OptsOut(request))
            Parley.Caching.CachingChatClient.OptOut(options);
    }
}
