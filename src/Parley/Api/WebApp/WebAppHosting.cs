using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Parley.Api.WebApp;

/// <summary>
/// Serves the web app that the build embeds into this assembly (src/Parley.Web/dist), with
/// index.html as the fallback for client routes such as <c>/c/{id}</c>.
/// </summary>
public static class WebAppHosting
{
    private static readonly Lazy<ManifestEmbeddedFileProvider?> Files = new(OpenEmbedded);

    /// <summary>Serves the bundle's files; runs before authentication, since the app itself shows the sign-in screen.</summary>
    public static IApplicationBuilder UseWebAppFiles(this IApplicationBuilder app)
    {
        if (Files.Value is not { } files)
            return app;
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var immutable = context.Context.Request.Path.StartsWithSegments("/assets");
                context.Context.Response.Headers.CacheControl = immutable ? "public, max-age=31536000, immutable" : "no-cache";
            },
        });
        return app;
    }

    /// <summary>
    /// index.html for client routes such as <c>/c/{id}</c>, answered only to <c>GET</c> navigations that accept
    /// <c>text/html</c>; anything else (API paths, an SDK posting to a base URL without <c>/v1</c>) gets 404 in its API's error shape.
    /// </summary>
    public static WebApplication MapWebApp(this WebApplication app)
    {
        if (Files.Value is not { } files)
        {
            app.MapGet("/", () => Results.Content(
                "<!doctype html><title>Parley</title><p>The web app was not built into this server (built with -p:SkipWebBuild=true). The APIs work: see <a href=\"/api/docs\">/api/docs</a>.",
                "text/html")).AllowAnonymous();
            return app;
        }
        app.MapFallback("{*path:nonfile}", async context =>
        {
            if (IsApiPath(context.Request.Path) || !IsNavigation(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await using var index = files.GetFileInfo("index.html").CreateReadStream();
            await index.CopyToAsync(context.Response.Body, context.RequestAborted);
        }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// A GET that accepts HTML (a browser; <c>*/*</c> too, as fetch and curl send) or states nothing, on a path no API
    /// claims; paths an API client would use get that API's JSON 404 whatever it accepts.
    /// </summary>
    private static bool IsNavigation(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (request.Headers.Accept.Count == 0 || request.Headers.Accept.Any(a => a is not null && (a.Contains("text/html", StringComparison.OrdinalIgnoreCase) || a.Contains("*/*", StringComparison.Ordinal))))
        && ApiErrors.ShapeOf(request) == ApiErrorShape.Problem;

    private static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/bots");

    private static ManifestEmbeddedFileProvider? OpenEmbedded()
    {
        try
        {
            var provider = new ManifestEmbeddedFileProvider(typeof(WebAppHosting).Assembly, "dist");
            return provider.GetFileInfo("index.html").Exists ? provider : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
