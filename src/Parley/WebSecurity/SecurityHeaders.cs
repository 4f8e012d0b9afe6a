using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Parley.WebSecurity;

/// <summary>
/// Headers on every response: a Content-Security-Policy with no inline script whose <c>img-src</c> keeps replies from
/// loading images from other sites (unless <see cref="SecurityOptions.RemoteImages"/> allows it), no framing, no MIME
/// sniffing and no referrer sent to other sites.
/// </summary>
public sealed class SecurityHeaders(IOptions<SecurityOptions> options)
{
    private readonly string _policy = Policy(options.Value.RemoteImages);

    public string ContentSecurityPolicy => _policy;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.Response.Headers;
        // The API docs pages (Swagger UI, ReDoc) are third-party bundles with inline bootstrapping and no user content.
        headers.ContentSecurityPolicy = IsDocsPage(context.Request.Path) ? DocsPolicy : _policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        return next(context);
    }

    private const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static bool IsDocsPage(PathString path) => path.StartsWithSegments("/api/docs") || path.StartsWithSegments("/api/redoc");

    private static string Policy(string remoteImages)
    {
        var images = remoteImages == RemoteImageModes.Off ? "'self' data: blob:" : "'self' data: blob: https:";
        // Inline styles stay allowed: highlight.js, KaTeX and diagram SVG set style attributes; no inline script is.
        return $"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src {images}; font-src 'self' data:; "
            + "connect-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    }
}
