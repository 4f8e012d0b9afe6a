using System.Globalization;
using System.Text;
using System.Text.Json;
using Parley.Conversations;
using Parley.Storage;

namespace Parley.Portability;

/// <summary>
/// A readable Markdown rendering of a conversation: its active branch (root to the newest message, the one the app
/// shows) with a note of how many other branches exist. Lossless backups use the JSON format instead.
/// </summary>
public static class MarkdownExport
{
    public static string Render(Conversation conversation, IReadOnlyList<StoredMessage> messages)
    {
        var text = new StringBuilder();
        text.Append("# ").AppendLine(OneLine(conversation.Title)).AppendLine();
        text.Append("- Conversation: `").Append(conversation.Id).AppendLine("`");
        text.Append("- Created: ").AppendLine(Time(conversation.CreatedAt));
        text.Append("- Updated: ").AppendLine(Time(conversation.UpdatedAt));
        if (conversation.Model is { } model)
            text.Append("- Model: ").AppendLine(model);
        var active = MessageTree.PathTo(messages, MessageTree.NewestLeaf(messages));
        var otherBranches = Leaves(messages) - (active.Count > 0 ? 1 : 0);
        text.Append("- Messages: ").Append(active.Count.ToString(CultureInfo.InvariantCulture)).Append(" on the active branch, ")
            .Append(messages.Count.ToString(CultureInfo.InvariantCulture)).AppendLine(" in all");
        if (otherBranches > 0)
            text.AppendLine().Append("> Note: this conversation has ").Append(otherBranches.ToString(CultureInfo.InvariantCulture))
                .Append(otherBranches == 1 ? " other branch" : " other branches")
                .AppendLine(" (edited or regenerated versions) that are not shown here. Export as JSON to keep every branch.");
        if (!string.IsNullOrWhiteSpace(conversation.SystemPrompt))
        {
            text.AppendLine().AppendLine("## System prompt").AppendLine();
            text.AppendLine(conversation.SystemPrompt.Trim());
        }

        foreach (var message in active)
        {
            text.AppendLine().Append("## ").Append(Heading(message.Role));
            if (message.Model is { } by)
                text.Append(" (").Append(by).Append(')');
            text.Append(" · ").AppendLine(Time(message.CreatedAt)).AppendLine();
            foreach (var part in message.Parts)
                AppendPart(text, part);
            if (message.Status != MessageStatus.Complete)
                text.Append("*(").Append(message.Status).Append(message.Error is { } e ? ": " + e.Message : "").AppendLine(")*").AppendLine();
        }
        return text.ToString();
    }

    private static void AppendPart(StringBuilder text, MessagePart part)
    {
        switch (part)
        {
            case TextPart t:
                text.AppendLine(t.Text.TrimEnd()).AppendLine();
                break;
            case ImagePart i:
                text.Append("*[image `").Append(i.ImageId).Append("`, ").Append(i.MediaType).AppendLine("]*").AppendLine();
                break;
            case ToolCallPart c:
                text.Append("**Tool call** `").Append(c.Name).AppendLine("`").AppendLine();
                Fence(text, "json", c.Arguments);
                break;
            case ToolResultPart r:
                text.Append(r.IsError ? "**Tool error** `" : "**Tool result** `").Append(r.Name).AppendLine("`").AppendLine();
                Fence(text, "", r.Result);
                break;
            default:
                AppendOther(text, part);
                break;
        }
    }

    /// <summary>Part kinds this renderer does not know (attachments, ...): their kind and whatever names them.</summary>
    private static void AppendOther(StringBuilder text, MessagePart part)
    {
        var json = JsonSerializer.Deserialize<JsonElement>(MessagePartsJson.Serialize(part));
        var kind = json.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "attachment";
        text.Append("*[").Append(kind);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name != "type" && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString()!.Length <= 200)
                text.Append(", ").Append(property.Name).Append(": ").Append(OneLine(property.Value.GetString()!));
        }
        text.AppendLine("]*").AppendLine();
    }

    private static void Fence(StringBuilder text, string language, string content)
    {
        var fence = content.Contains("```", StringComparison.Ordinal) ? "````" : "```";
        text.Append(fence).AppendLine(language).AppendLine(content.TrimEnd()).AppendLine(fence).AppendLine();
    }

    private static int Leaves(IReadOnlyList<StoredMessage> messages)
    {
        var parents = messages.Where(m => m.ParentId is not null).Select(m => m.ParentId!).ToHashSet(StringComparer.Ordinal);
        return messages.Count(m => !parents.Contains(m.Id));
    }

    private static string Heading(string role) => role switch
    {
        MessageRoles.User => "User",
        MessageRoles.Assistant => "Assistant",
        MessageRoles.Tool => "Tool",
        _ => role,
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
