using System.Text.Json;
using Parley.Errors;
using Parley.Relay;

namespace Parley.Providers.Anthropic;

/// <summary>
/// Anthropic's Messages API (<c>POST {base}/v1/messages</c>) as a relayed API: the client's body goes to an Anthropic
/// upstream with only <c>model</c> rewritten (thinking, cache_control, citations, betas' fields travel untouched), and the
/// upstream's events or message come back as sent. Parley's key for the provider replaces the client's.
/// </summary>
public sealed class AnthropicMessagesRelay : IRelayProtocol
{
    public const string DefaultVersion = "2023-06-01";

    public static readonly AnthropicMessagesRelay Instance = new();

    public string ProviderKind => ProviderKinds.Anthropic;

    public string Path => "v1/messages";

    public bool ServedBy(ProviderOptions provider) => true;

    public ReadOnlyMemory<byte> PrepareBody(RelayRequest request, string modelId, out bool usageAdded)
    {
        ArgumentNullException.ThrowIfNull(request);
        usageAdded = false;
        return RelayBody.SetString(request.Body.Span, "model"u8, modelId);
    }

    public void Authorize(HttpRequestMessage message, ProviderOptions provider)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(provider);
        if (!string.IsNullOrEmpty(provider.ApiKey))
            message.Headers.Add("x-api-key", provider.ApiKey);
        message.Headers.Add("anthropic-version", DefaultVersion);
    }

    public ProviderException MapError(string providerName, int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter) =>
        UpstreamErrors.FromAnswer(providerName, status, ErrorMessage(body).Message, retryAfter);

    public IRelayReader CreateReader(string providerName, bool usageAdded) => new AnthropicMessagesRelayReader(providerName);

    /// <summary>Anthropic's <c>{"type":"error","error":{"type","message"}}</c>.</summary>
    internal static (string? Type, string? Message) ErrorMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var json = JsonDocument.ParseValue(ref reader);
            if (!json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
                return (null, null);
            return (Text(error, "type"), Text(error, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
