using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Bots;

/// <summary>
/// What BubbleTea POSTs to a bot's <c>/chat</c> (bubbletea-chat 0.6's <c>ComponentChatRequest</c>): <c>type</c> is always
/// <c>user</c>; everything but <c>message</c> is optional. <c>chat_history</c> (a list or a context string) is accepted
/// and not used: Parley keeps the thread's history itself.
/// </summary>
public sealed record BubbleTeaChatRequest(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("images")] IReadOnlyList<BubbleTeaImage>? Images = null,
    [property: JsonPropertyName("user_uuid")] string? UserUuid = null,
    [property: JsonPropertyName("conversation_uuid")] string? ConversationUuid = null,
    [property: JsonPropertyName("user_email")] string? UserEmail = null,
    [property: JsonPropertyName("chat_history")] JsonElement? ChatHistory = null,
    [property: JsonPropertyName("thread_id")] string? ThreadId = null);

/// <summary>An image in a BubbleTea request: a <c>url</c> or <c>base64</c> data with its <c>mime_type</c>, and an optional <c>text</c>.</summary>
public sealed record BubbleTeaImage(
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("base64")] string? Base64 = null,
    [property: JsonPropertyName("mime_type")] string? MimeType = null,
    [property: JsonPropertyName("text")] string? Text = null);
