using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Api;

/// <summary>The error body a client expects, chosen from the request's path and headers.</summary>
public enum ApiErrorShape
{
    /// <summary>RFC 7807 problem details with a <c>code</c> (Parley's own APIs).</summary>
    Problem,

    /// <summary><c>{"error":{"message","type","param","code"}}</c>.</summary>
    OpenAI,

    /// <summary><c>{"type":"error","error":{"type","message"}}</c>.</summary>
    Anthropic,
}

/// <summary>
/// Writes every refusal in the shape of the API the request was meant for: Anthropic's on <c>/v1/messages</c> or when
/// the client sends <c>anthropic-version</c>, OpenAI's on <c>/v1</c> and on OpenAI paths that lack the <c>/v1</c> prefix
/// (a base URL without it), problem details elsewhere. A client that expects an API never gets HTML.
/// </summary>
public static class ApiErrors
{
    // "/chat" alone is the BubbleTea bot contract (POST /chat, seed 000), whose errors are problem details.
    private static readonly string[] OpenAIPaths = ["/chat/completions", "/completions", "/embeddings", "/responses", "/models", "/audio", "/images", "/moderations", "/files"];

    public static ApiErrorShape ShapeOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        if (path.StartsWithSegments("/v1/messages") || path.StartsWithSegments("/messages"))
            return ApiErrorShape.Anthropic;
        if (request.Headers.ContainsKey("anthropic-version") && !path.StartsWithSegments("/api"))
            return ApiErrorShape.Anthropic;
        if (path.StartsWithSegments("/v1") || OpenAIPaths.Any(p => path.StartsWithSegments(p)))
            return ApiErrorShape.OpenAI;
        return ApiErrorShape.Problem;
    }

    /// <summary>The sentence for a request to a path nothing serves; says what to fix when the base URL lacks <c>/v1</c>.</summary>
    public static string NoEndpoint(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        var missingPrefix = !path.StartsWithSegments("/v1") && !path.StartsWithSegments("/api")
            && (OpenAIPaths.Any(p => path.StartsWithSegments(p)) || path.StartsWithSegments("/messages"));
        return missingPrefix
            ? $"There is no endpoint at {path}. Parley serves the OpenAI and Anthropic APIs under /v1: set the client's base URL to {request.Scheme}://{request.Host}/v1 (Anthropic clients: {request.Scheme}://{request.Host})."
            : $"There is no endpoint at {path}.";
    }

    /// <summary>Writes the error; returns false for <see cref="ApiErrorShape.Problem"/>, which the caller writes with its own extras.</summary>
    public static async Task<bool> TryWriteAsync(HttpContext context, string code, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (ShapeOf(context.Request))
        {
            case ApiErrorShape.OpenAI:
                context.Response.StatusCode = status;
                await context.Response.WriteAsJsonAsync(OpenAI.OpenAIErrors.Body(code, message, status));
                return true;
            case ApiErrorShape.Anthropic:
                var (anthropicStatus, body) = Messages.AnthropicErrors.Body(code, message, status);
                context.Response.StatusCode = anthropicStatus;
                await context.Response.WriteAsJsonAsync(body);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Problem details for everything else.</summary>
    public static Task WriteProblemAsync(HttpContext context, string code, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = ParleyProblems.Create(code, status, message) }).AsTask();
    }
}
