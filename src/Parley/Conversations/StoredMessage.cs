namespace Parley.Conversations;

/// <summary>One node of a conversation's message tree. Siblings (same parent) are versions.</summary>
public sealed record StoredMessage
{
    public required string Id { get; init; }

    public required string ConversationId { get; init; }

    public string? ParentId { get; init; }

    public required string Role { get; init; }

    public IReadOnlyList<MessagePart> Parts { get; init; } = [];

    /// <summary>The <c>provider/model</c> that wrote an assistant message.</summary>
    public string? Model { get; init; }

    public string Status { get; init; } = MessageStatus.Complete;

    public MessageError? Error { get; init; }

    public TokenUsage? Usage { get; init; }

    public MessageTimings? Timings { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string Text => string.Concat(Parts.OfType<TextPart>().Select(p => p.Text));

    public static string NewId() => Ids.New("m");
}

public static class MessageRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Tool = "tool";
}

public static class MessageStatus
{
    public const string Complete = "complete";

    /// <summary>Being written now; the stored parts are what was saved so far (at most about a second behind).</summary>
    public const string Streaming = "streaming";

    /// <summary>Cut short: stopped, timed out, or cut by a shutdown.</summary>
    public const string Incomplete = "incomplete";

    /// <summary>Was still <see cref="Streaming"/> when its server died; the parts are what was saved before.</summary>
    public const string Interrupted = "interrupted";

    public const string Error = "error";
}

public sealed record MessageError(string Code, string Message);

/// <summary>
/// Tokens of one reply as Parley stores and reports them. Inside the pipeline usage is Microsoft.Extensions.AI's
/// <see cref="Microsoft.Extensions.AI.UsageDetails"/>; <see cref="From"/> is the one mapping between the two.
/// </summary>
public sealed record TokenUsage(long PromptTokens, long CompletionTokens, long TotalTokens)
{
    /// <summary>A provider's usage report; a missing total is the sum of the two counts.</summary>
    public static TokenUsage From(Microsoft.Extensions.AI.UsageDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var input = details.InputTokenCount ?? 0;
        var output = details.OutputTokenCount ?? 0;
        return new TokenUsage(input, output, details.TotalTokenCount ?? input + output);
    }

    public static TokenUsage operator +(TokenUsage a, TokenUsage b) =>
        new(a.PromptTokens + b.PromptTokens, a.CompletionTokens + b.CompletionTokens, a.TotalTokens + b.TotalTokens);
}

public sealed record MessageTimings(long? FirstTokenMs, long TotalMs);
