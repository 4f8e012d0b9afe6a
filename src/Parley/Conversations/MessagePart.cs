using System.Text.Json.Serialization;

namespace Parley.Conversations;

/// <summary>
/// A piece of a stored message, in the same shape the conversations API shows.
/// Parley keeps its own parts (not Microsoft.Extensions.AI's AIContent) in storage so that
/// what is on disk does not change when that library's serialisation does.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextPart), "text")]
[JsonDerivedType(typeof(ImagePart), "image")]
[JsonDerivedType(typeof(ToolCallPart), "tool_call")]
[JsonDerivedType(typeof(ToolResultPart), "tool_result")]
[JsonDerivedType(typeof(ContextSummaryPart), "context_summary")]
[JsonDerivedType(typeof(ContextTrimmedPart), "context_trimmed")]
[JsonDerivedType(typeof(AttachmentPart), "attachment")]
[JsonDerivedType(typeof(SourcesPart), "sources")]
public abstract record MessagePart;

public sealed record TextPart(string Text) : MessagePart;

/// <summary>An image kept in the store; <see cref="ImageId"/> names it there.</summary>
public sealed record ImagePart(string ImageId, string MediaType) : MessagePart;

/// <summary>A tool the model asked for; <see cref="Arguments"/> is the JSON text it sent.</summary>
public sealed record ToolCallPart(string CallId, string Name, string Arguments) : MessagePart;

public sealed record ToolResultPart(string CallId, string Name, string Result, bool IsError) : MessagePart;

/// <summary>
/// Stored on the reply it was made for: a summary of the branch's messages from the start through
/// <see cref="ThroughMessageId"/> (<see cref="MessageCount"/> messages), which replaced them in the model's context.
/// </summary>
public sealed record ContextSummaryPart(string Summary, string ThroughMessageId, int MessageCount, string Model) : MessagePart;

/// <summary>Stored on a reply whose history could not be summarised (<see cref="Reason"/> is the error code), so its oldest turns were dropped.</summary>
public sealed record ContextTrimmedPart(string Reason, string Message) : MessagePart;

/// <summary>
/// A document attached to a user message: its original file is the store blob <see cref="AttachmentId"/>
/// (kept through the image calls of the store), <see cref="Text"/> is what was extracted from it.
/// </summary>
public sealed record AttachmentPart(string AttachmentId, string Name, string MediaType, long Size, string Text, bool Truncated = false) : MessagePart;

/// <summary>On a reply: which attachments (and, for long ones, which chunks) were in the model's context.</summary>
public sealed record SourcesPart(IReadOnlyList<DocumentSource> Sources) : MessagePart;

/// <summary>
/// One attachment in a reply's context. <see cref="Chunks"/> are the 1-based chunk numbers used, out of
/// <see cref="ChunkCount"/>; when <see cref="Whole"/> is true the whole text was used.
/// </summary>
public sealed record DocumentSource(string AttachmentId, string Name, bool Whole, int ChunkCount, IReadOnlyList<int> Chunks);
