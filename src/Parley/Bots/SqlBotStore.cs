using Dapper;
using Parley.Storage;

namespace Parley.Bots;

/// <summary>
/// The bot tables (<c>bot_threads</c>, <c>bot_inbox</c>, <c>bot_outbox</c>; SQLite migration 8, PostgreSQL migration 3)
/// in the database the other stores share.
/// </summary>
public sealed class SqlBotStore(SqlDatabase database) : IBotStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public Task<string?> FindThreadAsync(string bot, string userId, string threadId, CancellationToken cancellationToken = default) =>
        database.ScalarAsync<string>("SELECT conversation_id FROM bot_threads WHERE bot = @bot AND user_id = @userId AND thread_id = @threadId",
            new { bot, userId, threadId }, cancellationToken);

    public Task AddThreadAsync(string bot, string userId, string threadId, string conversationId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("""
            INSERT INTO bot_threads (bot, user_id, thread_id, conversation_id) VALUES (@bot, @userId, @threadId, @conversationId) ON CONFLICT DO NOTHING
            """, new { bot, userId, threadId, conversationId }, cancellationToken);

    public Task AddInboxAsync(BotInboxItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return database.ExecuteAsync("""
            INSERT INTO bot_inbox (id, bot, user_id, thread_id, conversation_id, text, reply_to, created_at)
            VALUES (@Id, @Bot, @UserId, @ThreadId, @ConversationId, @Text, @ReplyTo, @at)
            """, new { item.Id, item.Bot, item.UserId, item.ThreadId, item.ConversationId, item.Text, item.ReplyTo, at = item.CreatedAt.ToUnixTimeMilliseconds() },
            cancellationToken);
    }

    public Task<IReadOnlyList<BotInboxItem>> PendingInboxAsync(int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("""
            SELECT id, bot, user_id, thread_id, conversation_id, text, reply_to, created_at FROM bot_inbox
            WHERE done = FALSE ORDER BY created_at LIMIT @limit
            """, new { limit },
            r => new BotInboxItem(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7))),
            cancellationToken);

    public async Task CompleteInboxAsync(string inboxId, BotOutboxItem delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition("UPDATE bot_inbox SET done = TRUE WHERE id = @inboxId AND done = FALSE",
                new { inboxId }, transaction, cancellationToken: cancellationToken)) == 0)
            return;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO bot_outbox (id, inbox_id, bot, url, payload, attempts, next_attempt_at, created_at)
            VALUES (@Id, @inboxId, @Bot, @Url, @Payload, 0, @next, @at)
            """,
            new
            {
                delivery.Id, inboxId, delivery.Bot, delivery.Url, delivery.Payload,
                next = delivery.NextAttemptAt.ToUnixTimeMilliseconds(), at = delivery.CreatedAt.ToUnixTimeMilliseconds(),
            },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<BotOutboxItem>> DueOutboxAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("""
            SELECT id, inbox_id, bot, url, payload, attempts, next_attempt_at, created_at FROM bot_outbox
            WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= @now ORDER BY created_at LIMIT @limit
            """, new { now = now.ToUnixTimeMilliseconds(), limit },
            r => new BotOutboxItem(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7))),
            cancellationToken);

    public Task MarkDeliveredAsync(string outboxId, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE bot_outbox SET delivered_at = @at, attempts = attempts + 1 WHERE id = @outboxId",
            new { outboxId, at = deliveredAt.ToUnixTimeMilliseconds() }, cancellationToken);

    public Task RecordFailureAsync(string outboxId, int attempts, DateTimeOffset? nextAttemptAt, string reason, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE bot_outbox SET attempts = @attempts, next_attempt_at = @next, last_error = @reason WHERE id = @outboxId",
            new { outboxId, attempts, next = SqlValues.Ms(nextAttemptAt), reason }, cancellationToken);
}
