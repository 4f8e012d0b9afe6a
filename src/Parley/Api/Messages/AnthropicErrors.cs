using Parley.Errors;

namespace Parley.Api.Messages;

/// <summary>Anthropic's error object and status codes, so Anthropic clients raise their usual exceptions.</summary>
public static class AnthropicErrors
{
    /// <summary>The status Anthropic would answer with, and the body <c>{"type":"error","error":{"type","message"}}</c>.</summary>
    public static (int Status, object Body) Body(string code, string message, int status)
    {
        var (anthropicStatus, type) = Map(code, status);
        return (anthropicStatus, new { type = "error", error = new { type, message } });
    }

    /// <summary>The <c>error.type</c> of an event-stream error (the status is already sent).</summary>
    public static string Type(string code, int status) => Map(code, status).Type;

    private static (int Status, string Type) Map(string code, int status) => code switch
    {
        ErrorCodes.RateLimited or ErrorCodes.BudgetExhausted or ErrorCodes.ProviderRateLimited => (429, "rate_limit_error"),
        ErrorCodes.ModelNotFound => (404, "not_found_error"),
        ErrorCodes.BodyTooLarge => (413, "request_too_large"),
        ErrorCodes.ProviderTimeout => (504, "timeout_error"),
        _ => status switch
        {
            401 => (401, "authentication_error"),
            402 => (402, "billing_error"),
            403 => (403, "permission_error"),
            404 => (404, "not_found_error"),
            413 => (413, "request_too_large"),
            429 => (429, "rate_limit_error"),
            502 or 503 or 529 => (529, "overloaded_error"),
            504 => (504, "timeout_error"),
            >= 500 => (500, "api_error"),
            _ => (400, "invalid_request_error"),
        },
    };
}
