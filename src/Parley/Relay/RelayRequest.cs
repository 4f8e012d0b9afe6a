using System.Security.Cryptography;
using Microsoft.Extensions.AI;

namespace Parley.Relay;

/// <summary>
/// A client's request body that a provider speaking the same API forwards as sent, with only the model rewritten.
/// A surface attaches it to the turn's <see cref="ChatOptions"/> (through <see cref="ChatOptions.RawRepresentationFactory"/>,
/// which serialisers and cache keys ignore); every middleware sees the turn as usual, and a provider of another kind
/// ignores it and translates the messages instead.
/// </summary>
public sealed class RelayRequest
{
    private string? _bodyHash;

    public RelayRequest(IRelayProtocol protocol, ReadOnlyMemory<byte> body, bool stream)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        Protocol = protocol;
        Body = body;
        Stream = stream;
    }

    public IRelayProtocol Protocol { get; }

    /// <summary>The body exactly as the client sent it.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public bool Stream { get; }

    /// <summary>SHA-256 of <see cref="Body"/>: a response cache keys relayed calls on every byte, not only on what Parley parsed.</summary>
    public string BodyHash => _bodyHash ??= Convert.ToHexStringLower(SHA256.HashData(Body.Span));

    /// <summary>Sets this request on <paramref name="options"/>, replacing any raw representation factory.</summary>
    public void AttachTo(ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RawRepresentationFactory = _ => this;
    }

    /// <summary>The relay request carried by <paramref name="options"/>, if any.</summary>
    public static RelayRequest? Of(ChatOptions? options) =>
        options?.RawRepresentationFactory?.Target is RelayRequest request ? request : null;
}
