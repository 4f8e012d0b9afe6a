using Parley.Conversations;
using Parley.Streaming;

namespace Parley.Bots;

/// <summary>The text a bot sends for one reply of the engine: the stored answer, or a sentence saying why there is none.</summary>
public static class BotReplies
{
    public static async Task<string> CollectAsync(IAsyncEnumerable<ChatEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var answer = "";
        await foreach (var chatEvent in events)
        {
            answer = chatEvent switch
            {
                ReplyFailed failed => $"Sorry, I could not answer: {failed.Message}",
                ReplyStored stored when stored.Message.Status != MessageStatus.Error => stored.Message.Text,
                _ => answer,
            };
        }
        return answer;
    }
}
