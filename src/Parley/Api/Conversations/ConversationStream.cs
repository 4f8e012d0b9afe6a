using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Parley.Streaming;

namespace Parley.Api.Conversations;

/// <summary>Writes the engine's events as the web app's stream (docs/api.md, "The conversation stream").</summary>
internal static class ConversationStream
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task WriteAsync(HttpContext context, IAsyncEnumerable<ChatEvent> events)
    {
        var cancellationToken = context.RequestAborted;
        using var sse = SseWriter.Begin(context);
        await foreach (var chatEvent in events.WithCancellation(cancellationToken))
        {
            if (Write(chatEvent) is { } write)
                await sse.WriteAsync(write, cancellationToken);
        }
        await sse.WriteDoneAsync(cancellationToken);
    }

    private static Action<Utf8JsonWriter>? Write(ChatEvent chatEvent) => chatEvent switch
    {
        UserMessageStored e => w => Message(w, "user_message", e.Message),
        ReplyStarted e => w => Message(w, "assistant_start", e.Message),
        ReplyStored e => w => Message(w, "assistant_end", e.Message),
        TextDelta e => w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("content", e.Text);
            w.WriteEndObject();
        },
        ToolCallStarted e => w => Content(w, "tool_start", new { id = e.CallId, name = e.Name, description = e.Description, action = e.Action, arguments = JsonSerializer.Deserialize<JsonElement>(e.Arguments) }),
        ToolCallCompleted e => w => Content(w, "tool_end", new { id = e.CallId, name = e.Name, result = e.Result, isError = e.IsError }),
        UsageReported e => w => Content(w, "usage", ConversationMapping.ToDto(e.Usage)),
        TitleChanged e => w => Content(w, "title", e.Title),
        ReplyFailed e => w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            w.WriteString("content", e.Message);
            w.WriteString("code", e.Code);
            w.WriteEndObject();
        },
        _ => null,
    };

    private static void Message(Utf8JsonWriter w, string type, Parley.Conversations.StoredMessage message)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WritePropertyName("message");
        JsonSerializer.Serialize(w, ConversationMapping.ToDto(message), Json);
        w.WriteEndObject();
    }

    private static void Content<T>(Utf8JsonWriter w, string type, T content)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WritePropertyName("content");
        JsonSerializer.Serialize(w, content, Json);
        w.WriteEndObject();
    }
}
