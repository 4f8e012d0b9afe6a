using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Documents;
using Parley.Storage;

namespace Parley.Conversations;

/// <summary>
/// Turns a stored branch into what a model sees. A stored assistant turn can hold tool calls, their
/// results and text; it unfolds into the assistant / tool / assistant message sequence providers expect.
/// </summary>
public static class ContextBuilder
{
    public static async Task<List<ChatMessage>> ToChatMessagesAsync(
        IReadOnlyList<StoredMessage> path, IConversationStore store, CancellationToken cancellationToken, DocumentContext? documents = null)
    {
        documents ??= new DocumentContext(new DocumentOptions(), path.LastOrDefault(m => m.Role == MessageRoles.User)?.Text ?? "");
        var messages = new List<ChatMessage>();
        foreach (var stored in path)
        {
            if (stored.Role == MessageRoles.User)
            {
                var contents = new List<AIContent>();
                if (stored.Parts.OfType<AttachmentPart>().ToList() is { Count: > 0 } attachments)
                    contents.Add(new TextContent(documents.Render(attachments)));
                foreach (var part in stored.Parts)
                {
                    if (part is TextPart text)
                        contents.Add(new TextContent(text.Text));
                    else if (part is ImagePart image && await store.GetImageAsync(stored.ConversationId, image.ImageId, cancellationToken) is { } data)
                        contents.Add(new DataContent(data.Data, data.MediaType));
                }
                messages.Add(new ChatMessage(ChatRole.User, contents));
            }
            else
            {
                messages.AddRange(Unfold(stored));
            }
        }
        return messages;
    }

    /// <summary>Stored assistant parts → assistant(text + calls), tool(results), assistant(text), ...</summary>
    public static IEnumerable<ChatMessage> Unfold(StoredMessage stored)
    {
        var assistant = new List<AIContent>();
        var results = new List<AIContent>();
        foreach (var part in stored.Parts)
        {
            switch (part)
            {
                case TextPart text when results.Count == 0:
                    assistant.Add(new TextContent(text.Text));
                    break;
                case TextPart text:
                    yield return new ChatMessage(ChatRole.Assistant, assistant);
                    yield return new ChatMessage(ChatRole.Tool, results);
                    assistant = [new TextContent(text.Text)];
                    results = [];
                    break;
                case ToolCallPart call when results.Count > 0:
                    yield return new ChatMessage(ChatRole.Assistant, assistant);
                    yield return new ChatMessage(ChatRole.Tool, results);
                    assistant = [ToCall(call)];
                    results = [];
                    break;
                case ToolCallPart call:
                    assistant.Add(ToCall(call));
                    break;
                case ToolResultPart result:
                    results.Add(new FunctionResultContent(result.CallId, result.Result));
                    break;
            }
        }
        if (assistant.Count > 0)
            yield return new ChatMessage(ChatRole.Assistant, assistant);
        if (results.Count > 0)
            yield return new ChatMessage(ChatRole.Tool, results);
    }

    private static FunctionCallContent ToCall(ToolCallPart call)
    {
        Dictionary<string, object?>? arguments;
        try
        {
            arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(call.Arguments);
        }
        catch (JsonException)
        {
            arguments = [];
        }
        return new FunctionCallContent(call.CallId, call.Name, arguments);
    }
}
