using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Parley.Errors;
using Parley.Identity;

namespace Parley.WebSecurity;

/// <summary>
/// Cross-site request forgery stops here. A request that changes state and relies on credentials the browser adds
/// by itself (the session cookie, or in single-user mode merely coming from this machine) must come from Parley's own
/// pages: <c>Sec-Fetch-Site</c>, when sent, is <c>same-origin</c> or <c>none</c>; <c>Origin</c>, when sent, is this
/// server; and a body is JSON or a multipart upload, which a cross-site form or no-cors <c>fetch</c> cannot send without
/// a preflight. Requests with an <c>Authorization</c> header carry their own credential and are not checked; bot
/// webhooks prove themselves with signatures.
/// </summary>
public static class SameOriginGuard
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Problem(context) is { } problem)
        {
            await ParleyAuthentication.WriteErrorAsync(context, problem.Code, problem.Status, problem.Message);
            return;
        }
        await next(context);
    }

    public static (string Code, int Status, string Message)? Problem(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            return null;
        if (request.Headers.Authorization.Count > 0 || request.Path.StartsWithSegments("/bots"))
            return null;

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
            return (ErrorCodes.CrossOrigin, 403, $"This request came from another site (Sec-Fetch-Site: {Short(site)}); Parley only accepts changes from its own pages or with an API key.");
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsSameOrigin(origin, request))
            return (ErrorCodes.CrossOrigin, 403, $"This request came from another origin ({Short(origin)}); Parley only accepts changes from its own pages or with an API key.");

        if (HasBody(context) && !IsJsonOrMultipart(request.ContentType))
            return (ErrorCodes.UnsupportedMediaType, 415,
                $"Content-Type '{Short(request.ContentType ?? "(none)")}' is not accepted here: send JSON (Content-Type: application/json) or a multipart/form-data upload.");
        return null;
    }

    private static bool IsSameOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath is not ("/" or ""))
            return false;
        var expectedPort = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.IdnHost.Trim('[', ']'), request.Host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
            && uri.Port == expectedPort;
    }

    private static bool HasBody(HttpContext context)
    {
        if (context.Request.ContentLength is { } length)
            return length > 0;
        return context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
    }

    private static bool IsJsonOrMultipart(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
            return false;
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            || type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
    }

    private static string Short(string value) => value.Length > 80 ? value[..80] + "…" : value;
}
