using Microsoft.Extensions.AI;

namespace Parley.Relay;

/// <summary>
/// Reads one relayed reply forward-only, once, for what Parley's policies need: usage, finish reason, tool calls
/// (for the record), the reply's size (to estimate usage the upstream did not report) and errors. It never builds the
/// reply's objects. Invalid JSON and error events throw <see cref="Errors.ProviderException"/>.
/// </summary>
public interface IRelayReader
{
    /// <summary>Reads one streamed event; false when it must not reach the client (a usage event only Parley asked for).</summary>
    bool ReadEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);

    /// <summary>Reads a whole non-streamed reply.</summary>
    void ReadResponse(ReadOnlySpan<byte> body);

    /// <summary>The stream's terminal event was read (a stream that ends without it was cut).</summary>
    bool Complete { get; }

    UsageDetails? Usage { get; }

    string? FinishReason { get; }

    string? ResponseId { get; }

    string? ModelId { get; }

    /// <summary>Bytes of generated text and tool arguments, for an estimate when the upstream reports no usage.</summary>
    long OutputBytes { get; }

    /// <summary>The text of the first choice (of a stream: so far).</summary>
    string? Text { get; }

    /// <summary>The tool calls the model made (informational: the client runs them).</summary>
    IReadOnlyList<FunctionCallContent> ToolCalls { get; }
}
