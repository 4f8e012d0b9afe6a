using System.Text.Json.Serialization;

namespace Parley.Bots;

/// <summary>
/// A bubbletea-chat component in a bot's reply: <c>{"type": "text"|"markdown", "content": …}</c>. A non-streaming
/// <c>/chat</c> answers <c>{"responses": [components]}</c>; a streaming one sends each as an SSE <c>data:</c> line and ends
/// with <c>{"type": "done"}</c>.
/// </summary>
public sealed record BubbleTeaComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("content")] string Content)
{
    public static BubbleTeaComponent Text(string content) => new("text", content);

    public static BubbleTeaComponent Markdown(string content) => new("markdown", content);
}

/// <summary>bubbletea-chat's non-streaming reply, <c>ComponentChatResponse</c>.</summary>
public sealed record BubbleTeaChatResponse([property: JsonPropertyName("responses")] IReadOnlyList<BubbleTeaComponent> Responses);
