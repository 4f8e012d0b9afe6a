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

    /// <summary>The reader of the upstream's reply once it started: what a cut stream had shown, for usage and budgets.</summary>
    internal IRelayReader? Reader { get; set; }

    /// <summary>
    /// SHA-256 of <see cref="Body"/> without its top-level <c>stream</c> and <c>stream_options</c>: a response cache keys
    /// relayed calls on every byte that shapes the reply, not only on what Parley parsed, and a stream can share a plain reply.
    /// </summary>
    public string BodyHash => _bodyHash ??= Hash(Body.Span);

    private static string Hash(ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var from = 0;
        var skipped = new List<(int Start, int Length)>(2);
        if (RelayBody.FindMember(body, "stream"u8) is { } stream)
            skipped.Add(stream);
        if (RelayBody.FindMember(body, "stream_options"u8) is { } options)
            skipped.Add(options);
        foreach (var (start, length) in skipped.OrderBy(s => s.Start))
        {
            hash.AppendData(body[from..start]);
            from = start + length;
        }
        hash.AppendData(body[from..]);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

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
