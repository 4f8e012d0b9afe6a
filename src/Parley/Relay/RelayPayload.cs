namespace Parley.Relay;

/// <summary>
/// Upstream bytes to write to the client unchanged: the <see cref="Microsoft.Extensions.AI.ChatResponseUpdate.RawRepresentation"/>
/// of a relayed update (whole SSE events, as they arrived) or the <see cref="Microsoft.Extensions.AI.ChatResponse.RawRepresentation"/>
/// of a relayed response (the body). A reply replayed from the cache in the other form (a stream for a plain request, or
/// the reverse) is not written raw: its parsed contents are translated instead.
/// </summary>
public sealed record RelayPayload(ReadOnlyMemory<byte> Bytes, bool Streamed)
{
    /// <summary>The <c>AdditionalProperties</c> key under which a relayed response carries its payload too.</summary>
    public const string PropertyKey = "parley.relay";

    /// <summary>The bytes a response or update carries, when they were relayed in the form asked for (streamed or not).</summary>
    public static ReadOnlyMemory<byte>? Of(object? rawRepresentation, bool streamed) =>
        rawRepresentation is RelayPayload payload && payload.Streamed == streamed ? payload.Bytes : (ReadOnlyMemory<byte>?)null;
}
