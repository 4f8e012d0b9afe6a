using Microsoft.Extensions.AI;

namespace Parley.Library;

/// <summary>Seed 003's <c>concat_stream</c>: folds streamed updates into one message, tool calls included.</summary>
public static class ChatStreams
{
    public static ChatMessage Concat(IEnumerable<ChatResponseUpdate> updates)
    {
        var response = updates.ToChatResponse();
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        return new ChatMessage(ChatRole.Assistant, contents) { MessageId = response.Messages.LastOrDefault()?.MessageId };
    }
}
