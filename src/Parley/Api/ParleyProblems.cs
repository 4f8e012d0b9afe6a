using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Errors;

namespace Parley.Api;

/// <summary>
/// Turns every failure into the error shape of the surface it happened on: problem details with a
/// stable <c>code</c> on Parley's APIs, OpenAI's <c>{"error":{...}}</c> on <c>/v1</c>. Unknown
/// failures are logged in full and answered with a sentence, never a stack trace.
/// </summary>
public sealed partial class ParleyProblems(IProblemDetailsService problems, ILogger<ParleyProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = Classify(exception);
        if (error.Code == ErrorCodes.Internal)
            LogUnhandled(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        if (httpContext.Response.HasStarted)
            return true;

        httpContext.Response.StatusCode = error.Status;
        if (error.Exception is ProviderException { RetryAfter: { } retryAfter })
            httpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (error.Exception is Limits.LimitExceededException limit)
            httpContext.Response.Headers.RetryAfter = limit.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (error.Code == ErrorCodes.StoreUnavailable)
            httpContext.Response.Headers.RetryAfter = "2";

        if (await ApiErrors.TryWriteAsync(httpContext, error.Code, error.Status, error.Message))
            return true;
        var problem = Create(error.Code, error.Status, error.Message);
        if (await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem }))
            return true;
        // The problem details writer skips clients whose Accept names no JSON type (an SSE client's text/event-stream);
        // they get the same body anyway, so the sentence reaches them.
        await httpContext.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    /// <summary>Gives a body to bare status responses (413 from Kestrel, unknown routes, 405, 415) in the surface's error shape.</summary>
    public static async Task WriteStatusAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var (code, message) = context.Response.StatusCode switch
        {
            413 => (ErrorCodes.BodyTooLarge, "The request body is larger than the server accepts."),
            404 => (ErrorCodes.InvalidRequest, ApiErrors.NoEndpoint(context.Request)),
            405 => (ErrorCodes.InvalidRequest, $"{context.Request.Method} is not allowed on {context.Request.Path}."),
            415 => (ErrorCodes.InvalidJson, "The request needs a JSON body (Content-Type: application/json)."),
            var other => (other >= 500 ? ErrorCodes.Internal : ErrorCodes.InvalidRequest, $"The request failed with HTTP {other}."),
        };
        if (await ApiErrors.TryWriteAsync(context, code, context.Response.StatusCode, message))
            return;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(code, context.Response.StatusCode, message) });
    }

    public static ProblemDetails Create(string code, int status, string detail) => new()
    {
        Type = $"https://parley.dev/errors/{code}",
        Title = Titles.GetValueOrDefault(code, "Request failed"),
        Status = status,
        Detail = detail,
        Extensions = { ["code"] = code },
    };

    private static (string Code, int Status, string Message, Exception Exception) Classify(Exception exception) => exception switch
    {
        ParleyException p => (p.Code, p.Status, p.Message, p),
        OperationCanceledException c => (ErrorCodes.Cancelled, 499, "The request was cancelled.", c),
        BadHttpRequestException { StatusCode: 413 } b => (ErrorCodes.BodyTooLarge, 413, "The request body is larger than the server accepts.", b),
        BadHttpRequestException { InnerException: JsonException json } b =>
            (ErrorCodes.InvalidJson, 400, $"The request body is not valid JSON for this endpoint: {JsonProblem(json)}", b),
        BadHttpRequestException b when b.Message.Contains("body", StringComparison.OrdinalIgnoreCase) =>
            (ErrorCodes.InvalidJson, b.StatusCode, "The request needs a JSON body (Content-Type: application/json).", b),
        BadHttpRequestException b => (ErrorCodes.InvalidRequest, b.StatusCode, "The request is not valid: " + b.Message, b),
        Npgsql.NpgsqlException db when Storage.Postgres.PostgresFailures.IsUnavailable(db) =>
            (ErrorCodes.StoreUnavailable, 503, "The database is not reachable right now. Try again in a moment.", db),
        JsonException json => (ErrorCodes.InvalidJson, 400, $"The request body is not valid JSON: {JsonProblem(json)}", json),
        System.Text.DecoderFallbackException text =>
            (ErrorCodes.InvalidJson, 400, "The request body holds a string that is not valid Unicode text (invalid UTF-8 or a lone surrogate).", text),
        InvalidOperationException text when IsInvalidJsonText(text) =>
            (ErrorCodes.InvalidJson, 400, "The request body holds a string that is not valid Unicode text (invalid UTF-8 or a lone surrogate).", text),
        _ => (ErrorCodes.Internal, 500, "Something went wrong on the server. Try again; if it keeps happening, check the server log.", exception),
    };

    /// <summary>System.Text.Json reading a string of the request that is not valid UTF-8 or UTF-16 (it checks lazily, on first read).</summary>
    private static bool IsInvalidJsonText(InvalidOperationException exception) =>
        exception.Source == "System.Text.Json"
        && (exception.InnerException is System.Text.DecoderFallbackException or System.Text.EncoderFallbackException
            || exception.Message.Contains("UTF-8", StringComparison.Ordinal) || exception.Message.Contains("UTF-16", StringComparison.Ordinal));

    private static string JsonProblem(JsonException json) =>
        json.Path is { Length: > 1 } path ? $"problem at {path}" + (json.LineNumber is { } line ? $" (line {line + 1})" : "") : "it could not be parsed";

    private static readonly Dictionary<string, string> Titles = new()
    {
        [ErrorCodes.InvalidRequest] = "Invalid request",
        [ErrorCodes.InvalidJson] = "Invalid JSON",
        [ErrorCodes.EmptyMessage] = "Empty message",
        [ErrorCodes.BodyTooLarge] = "Request too large",
        [ErrorCodes.InvalidImage] = "Invalid image",
        [ErrorCodes.ModelNotFound] = "Unknown model",
        [ErrorCodes.ConversationNotFound] = "Conversation not found",
        [ErrorCodes.MessageNotFound] = "Message not found",
        [ErrorCodes.ProviderAuth] = "Provider rejected the API key",
        [ErrorCodes.ProviderRateLimited] = "Provider rate limit",
        [ErrorCodes.ProviderUnavailable] = "Provider unavailable",
        [ErrorCodes.RateLimited] = "Rate limit exceeded",
        [ErrorCodes.BudgetExhausted] = "Daily token budget exhausted",
        [ErrorCodes.ProviderTimeout] = "Provider timed out",
        [ErrorCodes.ContextTooLong] = "Conversation too long",
        [ErrorCodes.ContentFiltered] = "Blocked by content filter",
        [ErrorCodes.ReplyInProgress] = "Reply in progress",
        [ErrorCodes.ReplyEventsExpired] = "Reply events no longer kept",
        [ErrorCodes.ServerShuttingDown] = "Server restarting",
        [ErrorCodes.Unauthenticated] = "Sign-in required",
        [ErrorCodes.InvalidApiKey] = "Invalid API key",
        [ErrorCodes.ApiKeyRevoked] = "API key revoked",
        [ErrorCodes.ApiKeyExpired] = "API key expired",
        [ErrorCodes.InvalidCredentials] = "Wrong user name or password",
        [ErrorCodes.TooManyAttempts] = "Too many attempts",
        [ErrorCodes.WeakPassword] = "Password too weak",
        [ErrorCodes.Forbidden] = "Not allowed",
        [ErrorCodes.ModelNotAllowed] = "Model not allowed for this key",
        [ErrorCodes.UserExists] = "User exists",
        [ErrorCodes.UserNotFound] = "User not found",
        [ErrorCodes.KeyNotFound] = "API key not found",
        [ErrorCodes.StoreUnavailable] = "Database unavailable",
        [ErrorCodes.Internal] = "Server error",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
