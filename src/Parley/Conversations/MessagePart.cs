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
