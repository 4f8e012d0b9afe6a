using Parley.Errors;

namespace Parley.Api.OpenAI;

/// <summary>OpenAI's error object, so OpenAI clients raise their usual exceptions.</summary>
public static class OpenAIErrors
{
    public static object Body(string code, string message, int status) => new
    {
        error = new { message, type = Type(code, status), param = (string?)null, code },
    };

    private static string Type(string code, int status) => code switch
    {
        ErrorCodes.ProviderRateLimited or ErrorCodes.RateLimited or ErrorCodes.BudgetExhausted => "rate_limit_exceeded",
        ErrorCodes.ModelNotFound => "invalid_request_error",
        _ when status >= 500 => "server_error",
        _ => "invalid_request_error",
    };
}
