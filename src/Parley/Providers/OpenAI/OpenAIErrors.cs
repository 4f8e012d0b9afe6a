using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Parley.Errors;
using OpenAIChat = OpenAI.Chat;

namespace Parley.Providers.OpenAI;

/// <summary>Turns what the OpenAI SDK throws, and error chunks inside a stream, into Parley's provider errors.</summary>
internal static class OpenAIErrors
{
    /// <summary>Maps what the SDK threw; null when the caller cancelled or the failure is not the provider's.</summary>
    public static ProviderException? Map(string providerName, Exception exception, bool replyStarted, CancellationToken cancellationToken)
    {
        if (exception is ClientResultException { Status: > 0 } http && !cancellationToken.IsCancellationRequested)
        {
            var response = http.GetRawResponse();
            var retryAfter = TransportFailures.ParseRetryAfter(Header(response, "Retry-After"), Header(response, "retry-after-ms"));
            return ProviderErrors.FromStatus(providerName, http.Status, ErrorMessage(response) ?? http.Message, retryAfter, http);
        }

        // With no response, the SDK wraps the transport failure (connection refused, timeout) in a status-0 ClientResultException.
        var cause = exception is ClientResultException { InnerException: { } inner } ? inner : exception;
        return TransportFailures.Map(providerName, cause, replyStarted, cancellationToken);
    }

    /// <summary>
    /// OpenAI (and vLLM, LiteLLM...) report a failure after the stream started as a chunk holding only
    /// <c>{"error": {...}}</c>, which the SDK parses into an empty update; it is recognised here by its missing id.
    /// </summary>
    public static ProviderException? FromStreamError(string providerName, OpenAIChat.StreamingChatCompletionUpdate update)
    {
        using var json = JsonDocument.Parse(ModelReaderWriter.Write(update));
        if (!json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            return null;
        var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        // The HTTP status was 200; the error's type stands in for it so the usual mapping applies.
        var status = (type + " " + code) switch
        {
            var kind when kind.Contains("rate_limit", StringComparison.Ordinal) => 429,
            var kind when kind.Contains("invalid_request", StringComparison.Ordinal) => 400,
            _ => 500,
        };
        return ProviderErrors.FromStatus(providerName, status, code is null ? message : $"{message} ({code})");
    }

    private static string? Header(PipelineResponse? response, string name) =>
        response?.Headers.TryGetValue(name, out var value) == true ? value : null;

    /// <summary>Reads OpenAI's <c>{"error": {"message", "code"}}</c>; the code goes along so overflow and filter errors are recognised.</summary>
    private static string? ErrorMessage(PipelineResponse? response)
    {
        try
        {
            using var body = JsonDocument.Parse(response?.Content ?? BinaryData.Empty);
            if (!body.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return null;
            var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return code is null || message?.Contains(code, StringComparison.Ordinal) == true ? message : $"{message} ({code})";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
