using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Conversations;
using static Parley.Api.WireJson;

namespace Parley.Api.Messages;

/// <summary>
/// Anthropic's <c>messages</c> (text, image, document, tool_use, tool_result, thinking blocks) as Microsoft.Extensions.AI
/// messages. A user message's tool results become one tool message placed before the rest of that turn.
/// </summary>
internal static class MessagesContent
{
    /// <summary>Where an assistant thinking block's signature travels, for a provider that can send it back.</summary>
    public const string SignatureKey = "anthropic.signature";

    public static List<ChatMessage> Read(JsonElement messages, int maxImageBytes)
    {
        var result = new List<ChatMessage>();
        var callIds = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var where = $"messages[{index++}]";
            RequireObject(message, where);
            var role = RequireString(message, "role", where);
            if (!message.TryGetProperty("content", out var content))
                throw Invalid(Path(where, "content"), "is required");
            switch (role)
            {
                case "user":
                    result.AddRange(User(content, where, maxImageBytes, callIds));
                    break;
                case "assistant":
                    result.Add(Assistant(content, where, callIds));
                    break;
                case "system":
                    result.Add(new ChatMessage(ChatRole.System, string.Concat(User(content, where, 0, callIds).Select(m => m.Text))));
                    break;
                default:
                    throw Invalid(Path(where, "role"), $"must be 'user', 'assistant' or 'system', not '{role}'");
            }
        }
        return result;
    }

    private static List<ChatMessage> User(JsonElement content, string where, int maxImageBytes, HashSet<string> callIds)
    {
        if (content.ValueKind == JsonValueKind.String)
            return [new ChatMessage(ChatRole.User, content.GetString())];
        var results = new List<AIContent>();
        var parts = new List<AIContent>();
        foreach (var (block, blockWhere, type) in Blocks(content, where))
        {
            switch (type)
            {
                case "tool_result":
                    var id = RequireString(block, "tool_use_id", blockWhere);
                    if (!callIds.Contains(id))
                        throw Invalid(Path(blockWhere, "tool_use_id"), $"'{id}' does not answer any earlier tool_use block");
                    var isError = Bool(block, "is_error", blockWhere) ?? false;
                    var text = ToolResultText(block, blockWhere);
                    results.Add(new FunctionResultContent(id, isError ? "Error: " + text : text));
                    break;
                default:
                    parts.Add(UserBlock(block, blockWhere, type, maxImageBytes));
                    break;
            }
        }
        var messages = new List<ChatMessage>();
        if (results.Count > 0)
            messages.Add(new ChatMessage(ChatRole.Tool, results));
        if (parts.Count > 0)
            messages.Add(new ChatMessage(ChatRole.User, parts));
        return messages;
    }

    private static AIContent UserBlock(JsonElement block, string where, string type, int maxImageBytes) => type switch
    {
        "text" => new TextContent(RequireString(block, "text", where)),
        "image" => Image(block, where, maxImageBytes),
        "document" => Document(block, where),
        _ => throw Invalid(Path(where, "type"), $"'{type}' is not a content block Parley accepts in a user message (text, image, document, tool_result)"),
    };

    private static ChatMessage Assistant(JsonElement content, string where, HashSet<string> callIds)
    {
        if (content.ValueKind == JsonValueKind.String)
            return new ChatMessage(ChatRole.Assistant, content.GetString());
        var parts = new List<AIContent>();
        foreach (var (block, blockWhere, type) in Blocks(content, where))
        {
            switch (type)
            {
                case "text":
                    parts.Add(new TextContent(RequireString(block, "text", blockWhere)));
                    break;
                case "tool_use":
                    var id = RequireString(block, "id", blockWhere);
                    var name = RequireString(block, "name", blockWhere);
                    if (!block.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                        throw Invalid(Path(blockWhere, "input"), "must be an object");
                    callIds.Add(id);
                    parts.Add(new FunctionCallContent(id, name, JsonSerializer.Deserialize<Dictionary<string, object?>>(input.GetRawText())));
                    break;
                case "thinking":
                    parts.Add(new TextReasoningContent(RequireString(block, "thinking", blockWhere)) { ProtectedData = String(block, "signature", blockWhere) });
                    break;
                case "redacted_thinking":
                    parts.Add(new TextReasoningContent("") { ProtectedData = RequireString(block, "data", blockWhere) });
                    break;
                default:
                    throw Invalid(Path(blockWhere, "type"), $"'{type}' is not a content block Parley accepts in an assistant message (text, tool_use, thinking)");
            }
        }
        return new ChatMessage(ChatRole.Assistant, parts);
    }

    private static IEnumerable<(JsonElement Block, string Where, string Type)> Blocks(JsonElement content, string where)
    {
        if (content.ValueKind != JsonValueKind.Array)
            throw Invalid(Path(where, "content"), "must be a string or an array of content blocks");
        var i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockWhere = $"{where}.content[{i++}]";
            RequireObject(block, blockWhere);
            yield return (block, blockWhere, RequireString(block, "type", blockWhere));
        }
    }

    private static AIContent Image(JsonElement block, string where, int maxImageBytes)
    {
        var source = block.TryGetProperty("source", out var s) ? RequireObject(s, Path(where, "source")) : throw Invalid(Path(where, "source"), "is required");
        var sourceWhere = Path(where, "source");
        switch (RequireString(source, "type", sourceWhere))
        {
            case "base64":
                var mediaType = RequireString(source, "media_type", sourceWhere);
                var data = RequireString(source, "data", sourceWhere);
                var (bytes, detected) = ImageInput.Decode($"data:{mediaType};base64,{data}", maxImageBytes);
                return new DataContent(bytes, detected);
            case "url":
                var url = RequireString(source, "url", sourceWhere);
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw Invalid(Path(sourceWhere, "url"), "must be an http(s) URL");
                return new UriContent(uri, "image/*");
            case var other:
                throw Invalid(Path(sourceWhere, "type"), $"'{other}' is not supported for images (use base64 or url; Parley has no Files API)");
        }
    }

    /// <summary>PDF and text documents: base64 bytes go through Parley's document reader, plain text is inlined.</summary>
    private static AIContent Document(JsonElement block, string where)
    {
        var sourceWhere = Path(where, "source");
        var source = block.TryGetProperty("source", out var s) ? RequireObject(s, sourceWhere) : throw Invalid(sourceWhere, "is required");
        var title = String(block, "title", where);
        switch (RequireString(source, "type", sourceWhere))
        {
            case "base64":
                var mediaType = RequireString(source, "media_type", sourceWhere);
                var extension = mediaType switch
                {
                    "application/pdf" => ".pdf",
                    "text/plain" => ".txt",
                    _ => throw Invalid(Path(sourceWhere, "media_type"), $"'{mediaType}' is not a document type Parley reads (application/pdf, text/plain)"),
                };
                try
                {
                    return new Documents.PendingFileContent((title ?? "document") + extension, Convert.FromBase64String(RequireString(source, "data", sourceWhere)));
                }
                catch (FormatException)
                {
                    throw Invalid(Path(sourceWhere, "data"), "is not valid base64");
                }
            case "text":
                var text = RequireString(source, "data", sourceWhere);
                return new TextContent(title is null ? text : $"{title}\n\n{text}");
            case var other:
                throw Invalid(Path(sourceWhere, "type"), $"'{other}' is not supported for documents (use base64 or text)");
        }
    }

    private static string ToolResultText(JsonElement block, string where)
    {
        if (!block.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
            return "";
        if (content.ValueKind == JsonValueKind.String)
            return content.GetString() ?? "";
        var texts = new List<string>();
        foreach (var (part, partWhere, type) in Blocks(content, where))
        {
            if (type != "text")
                throw Invalid(Path(partWhere, "type"), $"'{type}' is not supported inside tool_result (text only)");
            texts.Add(RequireString(part, "text", partWhere));
        }
        return string.Join("\n", texts);
    }
}
