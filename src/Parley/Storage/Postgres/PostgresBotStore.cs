using Npgsql;
using Parley.Bots;

namespace Parley.Storage.Postgres;

/// <summary>The bot tables in PostgreSQL (schema migration 3); same behaviour as <see cref="SqliteBotStore"/>.</summary>
public sealed class PostgresBotStore(PostgresDatabase database) : IBotStore
{
    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task<string?> FindThreadAsync(string bot, string userId, string threadId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT conversation_id FROM bot_threads WHERE bot = @bot AND user_id = @user AND thread_id = @thread",
            null, ("bot", bot), ("user", userId), ("thread", threadId));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task AddThreadAsync(string bot, string userId, string threadId, string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            INSERT INTO bot_threads (bot, user_id, thread_id, conversation_id) VALUES (@bot, @user, @thread, @conversation) ON CONFLICT DO NOTHING
            """, null, ("bot", bot), ("user", userId), ("thread", threadId), ("conversation", conversationId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AddInboxAsync(BotInboxItem item, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            INSERT INTO bot_inbox (id, bot, user_id, thread_id, conversation_id, text, reply_to, created_at)
            VALUES (@id, @bot, @user, @thread, @conversation, @text, @replyTo, @at)
            """, null,
            ("id", item.Id), ("bot", item.Bot), ("user", item.UserId), ("thread", item.ThreadId), ("conversation", item.ConversationId),
            ("text", item.Text), ("replyTo", item.ReplyTo), ("at", item.CreatedAt.ToUnixTimeMilliseconds()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<BotInboxItem>> PendingInboxAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT id, bot, user_id, thread_id, conversation_id, text, reply_to, created_at FROM bot_inbox
            WHERE NOT done ORDER BY created_at LIMIT @limit
            """, null, ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<BotInboxItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new BotInboxItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }
        return items;
    }

    public async Task CompleteInboxAsync(string inboxId, BotOutboxItem delivery, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var done = Command(connection, "UPDATE bot_inbox SET done = TRUE WHERE id = @id AND NOT done", transaction, ("id", inboxId)))
        {
            if (await done.ExecuteNonQueryAsync(cancellationToken) == 0)
                return;
        }
        await using (var insert = Command(connection, """
            INSERT INTO bot_outbox (id, inbox_id, bot, url, payload, attempts, next_attempt_at, created_at)
            VALUES (@id, @inbox, @bot, @url, @payload, 0, @next, @at)
            """, transaction, ("id", delivery.Id), ("inbox", inboxId), ("bot", delivery.Bot), ("url", delivery.Url), ("payload", delivery.Payload),
            ("next", delivery.NextAttemptAt.ToUnixTimeMilliseconds()), ("at", delivery.CreatedAt.ToUnixTimeMilliseconds())))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<BotOutboxItem>> DueOutboxAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT id, inbox_id, bot, url, payload, attempts, next_attempt_at, created_at FROM bot_outbox
            WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= @now ORDER BY created_at LIMIT @limit
            """, null, ("now", now.ToUnixTimeMilliseconds()), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<BotOutboxItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new BotOutboxItem(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }
        return items;
    }

    public async Task MarkDeliveredAsync(string outboxId, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE bot_outbox SET delivered_at = @at, attempts = attempts + 1 WHERE id = @id", null,
            ("at", deliveredAt.ToUnixTimeMilliseconds()), ("id", outboxId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordFailureAsync(string outboxId, int attempts, DateTimeOffset? nextAttemptAt, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE bot_outbox SET attempts = @attempts, next_attempt_at = @next, last_error = @error WHERE id = @id", null,
            ("attempts", attempts), ("error", reason), ("id", outboxId));
        command.Parameters.Add(new NpgsqlParameter("next", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)nextAttemptAt?.ToUnixTimeMilliseconds() ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction, params (string Name, object Value)[] parameters)
    {
        var command = PostgresDatabase.Command(connection, sql, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }
}
