using System.Net.Http.Headers;
using Parley.Errors;
using Parley.Relay;

namespace Parley.Providers.OpenAI;

/// <summary>
/// OpenAI's Responses API (<c>POST {base}/responses</c>) as a relayed API, for OpenAI-compatible providers whose upstream
/// serves it (<see cref="ProviderOptions.ServesResponses"/>): the client's body goes upstream with only <c>model</c>
/// rewritten, and the upstream's events or response come back as sent.
/// </summary>
public sealed class OpenAIResponsesRelay : IRelayProtocol
{
    public static readonly OpenAIResponsesRelay Instance = new();

    public string ProviderKind => ProviderKinds.OpenAI;

    public string Path => "responses";

    public bool ServedBy(ProviderOptions provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider.ServesResponses;
    }

    public ReadOnlyMemory<byte> PrepareBody(RelayRequest request, string modelId, out bool usageAdded)
    {
        ArgumentNullException.ThrowIfNull(request);
        usageAdded = false;
        return RelayBody.SetString(request.Body.Span, "model"u8, modelId);
    }

    public void Authorize(HttpRequestMessage message, ProviderOptions provider) => OpenAIChatRelay.Instance.Authorize(message, provider);

    public ProviderException MapError(string providerName, int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter) =>
        UpstreamErrors.FromAnswer(providerName, status, OpenAIChatRelay.ErrorMessage(body), retryAfter);

    public IRelayReader CreateReader(string providerName, bool usageAdded) => new OpenAIResponsesRelayReader(providerName);
}
