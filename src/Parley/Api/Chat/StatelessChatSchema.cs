using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Parley.Api.Chat;

/// <summary>
/// The OpenAPI shapes of seed 002's <c>POST /api/chat</c> (the handler reads the body itself, to name the field at fault):
/// the request, the context it carries, and the SSE events of the reply.
/// </summary>
public static class StatelessChatSchema
{
    /// <summary>The body of <c>POST /api/chat</c> (and <c>{API_V1}/chat</c>).</summary>
    [Description("Seed 002's stateless chat request: the client keeps the context and sends it back each turn.")]
    public sealed record Request(
        [property: JsonPropertyName("message"), Description("The user's message (required unless images or files are sent).")] string Message,
        [property: JsonPropertyName("system_prompt"), Description("Custom system instructions (systemPrompt is accepted too).")] string? SystemPrompt = null,
        [property: JsonPropertyName("context"), Description("The content of the last context_update event; absent for a new chat.")] Context? Context = null,
        [property: JsonPropertyName("model"), Description("provider/model or an alias; absent: the server's default.")] string? Model = null,
        [property: JsonPropertyName("images"), Description("Images as data URLs, bare base64 or http(s) URLs.")] IReadOnlyList<string>? Images = null,
        [property: JsonPropertyName("files"), Description("Documents: {\"filename\", \"file_data\"} (a data URL), as OpenAI's file part.")] IReadOnlyList<File>? Files = null,
        [property: JsonPropertyName("temperature"), Description("0 to 2.")] double? Temperature = null,
        [property: JsonPropertyName("max_tokens"), Description("Cap on reply tokens.")] int? MaxTokens = null,
        [property: JsonPropertyName("tools"), Description("Tool names to offer (GET /api/tools); [] for none, absent for the defaults.")] IReadOnlyList<string>? Tools = null);

    /// <summary>The conversation so far, as the last <c>context_update</c> returned it.</summary>
    public sealed record Context(
        [property: JsonPropertyName("messages"), Description("OpenAI-style messages, oldest first.")] IReadOnlyList<ContextMessage> Messages);

    /// <summary>One message of the context (OpenAI's chat message shape; content may also be a list of parts).</summary>
    public sealed record ContextMessage(
        [property: JsonPropertyName("role"), Description("user, assistant or tool.")] string Role,
        [property: JsonPropertyName("content"), Description("The text (or OpenAI content parts).")] string? Content,
        [property: JsonPropertyName("tool_calls")] IReadOnlyList<object>? ToolCalls = null,
        [property: JsonPropertyName("tool_call_id")] string? ToolCallId = null);

    public sealed record File(
        [property: JsonPropertyName("filename")] string Filename,
        [property: JsonPropertyName("file_data"), Description("data:<media type>;base64,…")] string FileData);

    /// <summary>One <c>data:</c> line of the reply; the stream ends with <c>data: [DONE]</c>.</summary>
    [Description("An SSE event: text (content: a piece of the answer), tool_start (content: {name, description, action}), "
        + "tool_end (content: {name, result}), context_update (content: {messages}: send it back as 'context'), "
        + "error (content: a sentence a person can act on). The stream ends with data: [DONE].")]
    public sealed record StreamEvent(
        [property: JsonPropertyName("type"), Description("text | tool_start | tool_end | context_update | error")] string Type,
        [property: JsonPropertyName("content"), Description("A string (text, error) or an object (tool_start, tool_end, context_update).")] object? Content);
}
