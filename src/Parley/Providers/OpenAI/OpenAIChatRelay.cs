using System.Net.Http.Headers;
using System.Text.Json;
using Parley.Errors;
using Parley.Relay;

namespace Parley.Providers.OpenAI;

/// <summary>
/// OpenAI chat completions (<c>POST {base}/chat/completions</c>) as a relayed API. The client's body goes upstream with
/// <c>model</c> rewritten; a streamed request without <c>stream_options</c> also gets <c>"stream_options":{"include_usage":true}</c>
/// so usage can be accounted, and the usage-only event that adds is kept from the client.
/// </summary>
public sealed class OpenAIChatRelay : IRelayProtocol
{
    public static readonly OpenAIChatRelay Instance = new();

    // Local servers accept any key, but some want the header.
    private const string PlaceholderApiKey = "not-needed";

    private static readonly byte[] IncludeUsage = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();

    public string ProviderKind => ProviderKinds.OpenAI;

    public string Path => "chat/completions";

    public bool ServedBy(ProviderOptions provider) => true;

    public ReadOnlyMemory<byte> PrepareBody(RelayRequest request, string modelId, out bool usageAdded)
    {
        ArgumentNullException.ThrowIfNull(request);
        usageAdded = request.Stream && RelayBody.FindValue(request.Body.Span, "stream_options"u8) is null;
        return RelayBody.SetString(request.Body.Span, "model"u8, modelId, usageAdded ? IncludeUsage : default);
    }

    public void Authorize(HttpRequestMessage message, ProviderOptions provider)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(provider);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", string.IsNullOrEmpty(provider.ApiKey) ? PlaceholderApiKey : provider.ApiKey);
    }

    public ProviderException MapError(string providerName, int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter) =>
        UpstreamErrors.FromAnswer(providerName, status, ErrorMessage(body), retryAfter);

    public IRelayReader CreateReader(string providerName, bool usageAdded) => new OpenAIChatRelayReader(providerName, usageAdded);

    /// <summary>OpenAI's <c>{"error": {"message", "code"}}</c>; the code goes along so overflow and filter errors are recognised.</summary>
    internal static string? ErrorMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var json = JsonDocument.ParseValue(ref reader);
            if (!json.RootElement.TryGetProperty("error", out var error))
                return null;
            if (error.ValueKind == JsonValueKind.String)
                return error.GetString();
            if (error.ValueKind != JsonValueKind.Object)
                return null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return code is null || message?.Contains(code, StringComparison.Ordinal) == true ? message : $"{message} ({code})";
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
