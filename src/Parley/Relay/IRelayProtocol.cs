using Parley.Errors;
using Parley.Providers;

namespace Parley.Relay;

/// <summary>
/// One API that can be relayed (OpenAI chat completions, OpenAI Responses, Anthropic Messages): where its requests go,
/// how the model is rewritten and the call authorised, how a failure reads, and a forward-only reader for its replies.
/// </summary>
public interface IRelayProtocol
{
    /// <summary>The provider kind (<see cref="ProviderKinds"/>) whose upstreams serve this API.</summary>
    string ProviderKind { get; }

    /// <summary>Whether <paramref name="provider"/> (of <see cref="ProviderKind"/>, with relaying on) serves this API.</summary>
    bool ServedBy(ProviderOptions provider);

    /// <summary>The request path under the provider's base URL, e.g. <c>chat/completions</c>.</summary>
    string Path { get; }

    /// <summary>The body to send upstream: the client's with <c>model</c> set to <paramref name="modelId"/> (and what the reader needs, see the implementation).</summary>
    ReadOnlyMemory<byte> PrepareBody(RelayRequest request, string modelId, out bool usageAdded);

    /// <summary>Adds the provider's credentials and API headers.</summary>
    void Authorize(HttpRequestMessage message, ProviderOptions provider);

    /// <summary>The exception for an upstream error answer (status ≥ 400) whose body is <paramref name="body"/>.</summary>
    ProviderException MapError(string providerName, int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter);

    /// <summary>A reader for one reply; <paramref name="usageAdded"/>: the usage event was asked for by Parley, not the client.</summary>
    IRelayReader CreateReader(string providerName, bool usageAdded);
}
