using Parley.Conversations;

namespace Parley.Streaming;

/// <summary>
/// Parley's one event stream: the engine yields these, and each surface translates them
/// into its own wire format (OpenAI chunks, seed 002's events, the web app's events, Kafka, bots).
/// </summary>
public abstract record ChatEvent;

/// <summary>
/// A piece of the reply's text, in order. <see cref="MessageId"/> is the id the model (or an app handler) gave the message
/// it belongs to: deltas of one id make one message, even when another message's deltas came in between.
/// </summary>
public sealed record TextDelta(string Text, string? MessageId = null) : ChatEvent;

/// <summary>
/// Upstream bytes relayed as they arrived (whole SSE events of the client's own API): a surface of that API writes them
/// unchanged, and ignores the parsed events (text, tool calls) that describe the same reply.
/// </summary>
public sealed record RawDelta(ReadOnlyMemory<byte> Bytes) : ChatEvent;

/// <summary>
/// A piece of the model's reasoning (Anthropic's thinking, an OpenAI-compatible server's <c>reasoning_content</c>), in order;
/// <see cref="Signature"/> is the provider's opaque proof of it (Anthropic's thinking signature), sent once when known.
/// </summary>
public sealed record ReasoningDelta(string Text, string? Signature = null) : ChatEvent;

/// <summary>The model asked for a tool; <see cref="Arguments"/> is JSON text.</summary>
public sealed record ToolCallStarted(string CallId, string Name, string Arguments, string Description, string Action) : ChatEvent;

public sealed record ToolCallCompleted(string CallId, string Name, string Result, bool IsError) : ChatEvent;

public sealed record UsageReported(Microsoft.Extensions.AI.UsageDetails Usage) : ChatEvent;

/// <summary>The provider finished the reply normally.</summary>
public sealed record ReplyFinished(string? FinishReason, string ModelId) : ChatEvent;

/// <summary>The reply failed; what came before it stands. <see cref="Message"/> is for people.</summary>
public sealed record ReplyFailed(string Code, string Message, int Status) : ChatEvent;

/// <summary>Stateful only: the user's message was stored.</summary>
public sealed record UserMessageStored(StoredMessage Message) : ChatEvent;

/// <summary>Stateful only: the reply's message exists (empty) with its id, parent and model.</summary>
public sealed record ReplyStarted(StoredMessage Message) : ChatEvent;

/// <summary>Stateful only: the stored reply, complete or not.</summary>
public sealed record ReplyStored(StoredMessage Message) : ChatEvent;

/// <summary>Stateful only: the conversation got its automatic title.</summary>
public sealed record TitleChanged(string Title) : ChatEvent;
