namespace Parley.Relay;

/// <summary>
/// Upstream bytes to write to the client unchanged: the <see cref="Microsoft.Extensions.AI.ChatResponseUpdate.RawRepresentation"/>
/// of a relayed update (whole SSE events, as they arrived) or the <see cref="Microsoft.Extensions.AI.ChatResponse.RawRepresentation"/>
/// of a relayed response (the body).
/// </summary>
public sealed record RelayPayload(ReadOnlyMemory<byte> Bytes)
{
    /// <summary>The bytes a response or update carries, when they were relayed.</summary>
    public static ReadOnlyMemory<byte>? Of(object? rawRepresentation) =>
        rawRepresentation is RelayPayload payload ? payload.Bytes : (ReadOnlyMemory<byte>?)null;
}
