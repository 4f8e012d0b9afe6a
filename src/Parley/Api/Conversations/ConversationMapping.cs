using System.Text.Json;
using Parley.Conversations;
using Parley.Storage;
using Parley.Usage;

namespace Parley.Api.Conversations;

/// <summary>Store records → the conversations API's JSON shapes.</summary>
internal static class ConversationMapping
{
    /// <param name="folders">The owner's folder ids: a folder id not among them is shown as none.</param>
    public static ConversationSummaryDto ToSummary(ConversationListItem item, IReadOnlySet<string> folders) =>
        new(item.Conversation.Id, item.Conversation.Title, item.Conversation.Model, item.Conversation.CreatedAt,
            item.Conversation.UpdatedAt, item.Conversation.MessageCount, item.Snippet, item.Conversation.Pinned,
            item.Conversation.FolderId is { } folder && folders.Contains(folder) ? folder : null);

    /// <summary>The conversation with its usage; its messages too unless <paramref name="includeMessages"/> is false.</summary>
    public static ConversationDto ToDto(Conversation c, IReadOnlyList<StoredMessage>? messages, bool includeMessages = true)
    {
        var usage = messages?.Where(m => m.Usage is not null).Aggregate(new TokenUsage(0, 0, 0), (sum, m) => sum + m.Usage!)
            ?? new TokenUsage(0, 0, 0);
        return new ConversationDto(c.Id, c.Title, c.Model, c.SystemPrompt, c.Temperature, c.MaxTokens, c.Tools, c.CreatedAt, c.UpdatedAt,
            messages?.Count ?? c.MessageCount, ToDto(usage), includeMessages ? messages?.Select(ToDto).ToList() : null, c.SelectedLeafId);
    }

    /// <summary>The conversation without messages, its totals taken from its tree.</summary>
    public static ConversationDto ToHeader(Conversation c, IReadOnlyList<MessageNode> nodes)
    {
        var usage = nodes.Where(m => m.Usage is not null).Aggregate(new TokenUsage(0, 0, 0), (sum, m) => sum + m.Usage!);
        return new ConversationDto(c.Id, c.Title, c.Model, c.SystemPrompt, c.Temperature, c.MaxTokens, c.Tools, c.CreatedAt, c.UpdatedAt,
            nodes.Count, ToDto(usage), null, c.SelectedLeafId);
    }

    public static MessageDto ToDto(StoredMessage m) =>
        new(m.Id, m.ParentId, m.Role, [.. m.Parts.Select(p => ToDto(m.ConversationId, p))], m.Text, m.Model, m.Status, m.Error,
            m.Usage is null ? null : ToDto(m.Usage), m.Timings, m.CreatedAt);

    public static UsageDto ToDto(TokenUsage u) => new(u.PromptTokens, u.CompletionTokens, u.TotalTokens);

    public static UsageDto ToDto(Microsoft.Extensions.AI.UsageDetails u) => new(u.Input(), u.Output(), u.Total());

    private static PartDto ToDto(string conversationId, MessagePart part) => part switch
    {
        TextPart t => new PartDto("text", Text: t.Text),
        ImagePart i => new PartDto("image", Url: $"/api/conversations/{conversationId}/images/{i.ImageId}", MediaType: i.MediaType),
        ToolCallPart c => new PartDto("tool_call", CallId: c.CallId, Name: c.Name, Arguments: ParseArguments(c.Arguments)),
        ToolResultPart r => new PartDto("tool_result", CallId: r.CallId, Name: r.Name, Result: r.Result, IsError: r.IsError),
        ContextSummaryPart s => new PartDto("context_summary", Text: s.Summary, Model: s.Model, ThroughMessageId: s.ThroughMessageId, MessageCount: s.MessageCount),
        ContextTrimmedPart t => new PartDto("context_trimmed", Text: t.Message, Reason: t.Reason),
        AttachmentPart a => new PartDto("attachment", Url: AttachmentUrl(conversationId, a.AttachmentId), MediaType: a.MediaType, Name: a.Name,
            Id: a.AttachmentId, Size: a.Size),
        SourcesPart s => new PartDto("sources", Sources: s.Sources),
        _ => throw new InvalidOperationException($"Unknown part {part.GetType().Name}"),
    };

    public static string AttachmentUrl(string conversationId, string attachmentId) =>
        $"/api/conversations/{conversationId}/attachments/{attachmentId}";

    public static AttachmentDto ToDto(string conversationId, AttachmentPart a) =>
        new(a.AttachmentId, a.Name, a.MediaType, a.Size, a.Text.Length, a.Truncated, AttachmentUrl(conversationId, a.AttachmentId));

    private static JsonElement ParseArguments(string json)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json);
        }
    }
}
