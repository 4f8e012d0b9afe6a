using Microsoft.Data.Sqlite;

namespace Parley.Bots;

/// <summary>The bot store in the same SQLite file as conversations (tables <c>bot_threads</c>, <c>bot_inbox</c>, <c>bot_outbox</c>).</summary>
public sealed class SqliteBotStore(string connectionString) : IBotStore
{
    // Bots' own tables, created idempotently: the bot module may be added to an existing database at any time.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS bot_threads (
            bot TEXT NOT NULL, user_id TEXT NOT NULL, thread_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
            PRIMARY KEY (bot, user_id, thread_id));
        CREATE TABLE IF NOT EXISTS bot_inbox (
            id TEXT PRIMARY KEY, bot TEXT NOT NULL, user_id TEXT NOT NULL, thread_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
            text TEXT NOT NULL, reply_to TEXT NOT NULL, created_at INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS bot_outbox (
            id TEXT PRIMARY KEY, inbox_id TEXT NOT NULL UNIQUE, bot TEXT NOT NULL, url TEXT NOT NULL, payload TEXT NOT NULL,
            attempts INTEGER NOT NULL, next_attempt_at INTEGER, created_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT);
        CREATE INDEX IF NOT EXISTS ix_bot_outbox_due ON bot_outbox(next_attempt_at) WHERE delivered_at IS NULL;
        """;

    public static SqliteBotStore ForFile(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString());

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, Schema, cancellationToken);
    }

    public async Task<string?> FindThreadAsync(string bot, string userId, string threadId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, "SELECT conversation_id FROM bot_threads WHERE bot = $bot AND user_id = $user AND thread_id = $thread",
            cancellationToken, ("$bot", bot), ("$user", userId), ("$thread", threadId)) as string;
    }

    public async Task AddThreadAsync(string bot, string userId, string threadId, string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "INSERT OR IGNORE INTO bot_threads VALUES ($bot, $user, $thread, $conversation)", cancellationToken,
            ("$bot", bot), ("$user", userId), ("$thread", threadId), ("$conversation", conversationId));
    }

    public async Task AddInboxAsync(BotInboxItem item, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
            INSERT INTO bot_inbox (id, bot, user_id, thread_id, conversation_id, text, reply_to, created_at)
            VALUES ($id, $bot, $user, $thread, $conversation, $text, $replyTo, $at)
            """, cancellationToken,
            ("$id", item.Id), ("$bot", item.Bot), ("$user", item.UserId), ("$thread", item.ThreadId), ("$conversation", item.ConversationId),
            ("$text", item.Text), ("$replyTo", item.ReplyTo), ("$at", item.CreatedAt.ToUnixTimeMilliseconds()));
    }

    public async Task<IReadOnlyList<BotInboxItem>> PendingInboxAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT id, bot, user_id, thread_id, conversation_id, text, reply_to, created_at FROM bot_inbox
            WHERE done = 0 ORDER BY created_at LIMIT $limit
            """, ("$limit", limit));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var done = Command(connection, "UPDATE bot_inbox SET done = 1 WHERE id = $id AND done = 0", ("$id", inboxId)))
        {
            done.Transaction = transaction;
            if (await done.ExecuteNonQueryAsync(cancellationToken) == 0)
                return;
        }
        await using (var insert = Command(connection, """
            INSERT INTO bot_outbox (id, inbox_id, bot, url, payload, attempts, next_attempt_at, created_at)
            VALUES ($id, $inbox, $bot, $url, $payload, 0, $next, $at)
            """, ("$id", delivery.Id), ("$inbox", inboxId), ("$bot", delivery.Bot), ("$url", delivery.Url), ("$payload", delivery.Payload),
            ("$next", delivery.NextAttemptAt.ToUnixTimeMilliseconds()), ("$at", delivery.CreatedAt.ToUnixTimeMilliseconds())))
        {
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<BotOutboxItem>> DueOutboxAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT id, inbox_id, bot, url, payload, attempts, next_attempt_at, created_at FROM bot_outbox
            WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= $now ORDER BY created_at LIMIT $limit
            """, ("$now", now.ToUnixTimeMilliseconds()), ("$limit", limit));
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
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "UPDATE bot_outbox SET delivered_at = $at, attempts = attempts + 1 WHERE id = $id", cancellationToken,
            ("$at", deliveredAt.ToUnixTimeMilliseconds()), ("$id", outboxId));
    }

    public async Task RecordFailureAsync(string outboxId, int attempts, DateTimeOffset? nextAttemptAt, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "UPDATE bot_outbox SET attempts = $attempts, next_attempt_at = $next, last_error = $error WHERE id = $id", cancellationToken,
            ("$attempts", attempts), ("$next", (object?)nextAttemptAt?.ToUnixTimeMilliseconds() ?? DBNull.Value), ("$error", reason), ("$id", outboxId));
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
