using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Api.OpenAI;
using Parley.Streaming;

namespace Parley.Api.Chat;

/// <summary>Seed 002's exact event shapes: <c>{"type": ..., "content": ...}</c>.</summary>
internal static class StatelessEvents
{
    public static Action<Utf8JsonWriter>? Write(ChatEvent chatEvent) => chatEvent switch
    {
        TextDelta e => w => Event(w, "text", c => c.WriteStringValue(e.Text)),
        ToolCallStarted e => w => Event(w, "tool_start", c =>
        {
            c.WriteStartObject();
            c.WriteString("name", e.Name);
            c.WriteString("description", e.Description);
            c.WriteString("action", e.Action);
            c.WriteEndObject();
        }),
        ToolCallCompleted e => w => Event(w, "tool_end", c =>
        {
            c.WriteStartObject();
            c.WriteString("name", e.Name);
            c.WriteString("result", e.Result);
            c.WriteEndObject();
        }),
        ReplyFailed e => w => Event(w, "error", c => c.WriteStringValue(e.Message)),
        _ => null,
    };

    public static void ContextUpdate(Utf8JsonWriter w, IEnumerable<ChatMessage> messages) =>
        Event(w, "context_update", c =>
        {
            c.WriteStartObject();
            c.WriteStartArray("messages");
            foreach (var message in messages)
                OpenAIMessages.Write(c, message);
            c.WriteEndArray();
            c.WriteEndObject();
        });

    private static void Event(Utf8JsonWriter w, string type, Action<Utf8JsonWriter> content)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WritePropertyName("content");
        content(w);
        w.WriteEndObject();
    }
}
