namespace Parley.Bots;

/// <summary>
/// The durable side of bots: which Parley conversation each user thread is, the inbox of messages
/// acknowledged but not yet answered, and the outbox of answers not yet delivered. A restart loses neither.
/// </summary>
public interface IBotStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    Task<string?> FindThreadAsync(string bot, string userId, string threadId, CancellationToken cancellationToken = default);

    Task AddThreadAsync(string bot, string userId, string threadId, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Stores an acknowledged message before the webhook answers.</summary>
    Task AddInboxAsync(BotInboxItem item, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BotInboxItem>> PendingInboxAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks the message answered and queues its delivery, atomically: one answer per message.</summary>
    Task CompleteInboxAsync(string inboxId, BotOutboxItem delivery, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<BotOutboxItem>> DueOutboxAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    Task MarkDeliveredAsync(string outboxId, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt; <paramref name="nextAttemptAt"/> null means "give up"; <paramref name="reason"/> is kept for operators.</summary>
    Task RecordFailureAsync(string outboxId, int attempts, DateTimeOffset? nextAttemptAt, string reason, CancellationToken cancellationToken = default);
}

public sealed record BotInboxItem(
    string Id, string Bot, string UserId, string ThreadId, string ConversationId, string Text, string ReplyTo, DateTimeOffset CreatedAt);

/// <summary>An answer to deliver. Holds no secret: the bot's key is read from configuration at delivery time.</summary>
public sealed record BotOutboxItem(
    string Id, string InboxId, string Bot, string Url, string Payload, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt);
