using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Parley.Replies;
using Parley.Streaming;

namespace Parley.Api.Conversations;

/// <summary>
/// The web app's stream (docs/api.md, "The conversation stream"): the engine's events as JSON, kept in the reply's
/// event log and written from there with their ids, so a client that reconnects can say where it stopped.
/// </summary>
internal static class ConversationStream
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes a reply's log after <paramref name="after"/> as SSE (<c>id:</c> and <c>data:</c>), then follows it to its end.</summary>
    public static async Task WriteAsync(HttpContext context, ReplyEventLog log, ReplyKey key, long after)
    {
        var cancellationToken = context.RequestAborted;
        using var sse = SseWriter.Begin(context);
        try
        {
            await foreach (var entry in log.FollowAsync(key, after, cancellationToken))
                await sse.WriteRawAsync(entry.Id, entry.Data!, cancellationToken);
            await sse.WriteDoneAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left; the reply goes on and can be resumed.
        }
    }

    /// <summary>Writes already-serialised events (a stored reply replayed) with ids from <paramref name="firstId"/>, then the end.</summary>
    public static async Task WriteAsync(HttpContext context, IEnumerable<string> events, long firstId)
    {
        var cancellationToken = context.RequestAborted;
        using var sse = SseWriter.Begin(context);
        var id = firstId;
        foreach (var data in events)
            await sse.WriteRawAsync(id++, data, cancellationToken);
        await sse.WriteDoneAsync(cancellationToken);
    }

    /// <summary>The event's JSON as the stream carries it, or null for events the stream does not show.</summary>
    public static string? Serialize(ChatEvent chatEvent)
    {
        if (Write(chatEvent) is not { } write)
            return null;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
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
