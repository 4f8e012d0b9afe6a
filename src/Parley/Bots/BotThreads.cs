using Parley.Conversations;
using Parley.Storage;

namespace Parley.Bots;

/// <summary>One Parley conversation per bot user thread, created on the thread's first message with the bot's settings.</summary>
public static class BotThreads
{
    /// <summary>The conversation of <paramref name="threadId"/> for <paramref name="userId"/>, created when it has none yet.</summary>
    public static async Task<string> EnsureConversationAsync(
        IBotStore bots, IConversationStore conversations, string name, BotOptions bot, string userId, string threadId,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bots);
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(bot);
        if (await bots.FindThreadAsync(name, userId, threadId, cancellationToken) is { } existing)
            return existing;
        var conversationId = Conversation.NewId();
        await conversations.CreateConversationAsync(new Conversation
        {
            Id = conversationId, Owner = BotOwners.Of(name, userId), Title = $"{name} · {userId}", HasTitle = true,
            Model = bot.Model, SystemPrompt = bot.SystemPrompt, Temperature = bot.Temperature, MaxTokens = bot.MaxTokens,
            CreatedAt = now, UpdatedAt = now,
        }, cancellationToken);
        await bots.AddThreadAsync(name, userId, threadId, conversationId, cancellationToken);
        // Two first messages at once: both add the thread, one wins; both use the winner.
        return await bots.FindThreadAsync(name, userId, threadId, cancellationToken) ?? conversationId;
    }
}
