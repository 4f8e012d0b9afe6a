using Microsoft.Data.Sqlite;
using Parley.Conversations;

namespace Parley.Storage.Sqlite;

/// <summary>The embedded default store: one SQLite file in WAL mode under the data folder.</summary>
public sealed class SqliteConversationStore(string connectionString) : IConversationStore
{
    public string Kind => "sqlite";

    public static SqliteConversationStore ForFile(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, ForeignKeys = true }.ToString());

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        SqliteSchema.Migrate(connection);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = Command(connection, "SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public async Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await InsertConversationAsync(connection, null, conversation, cancellationToken);
    }

    /// <summary>One transaction for every row of every conversation: a failure or a crash part-way leaves none of them.</summary>
    public async Task AddConversationsAsync(IReadOnlyList<WholeConversation> conversations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var whole in conversations)
        {
            await InsertConversationAsync(connection, transaction, whole.Conversation, cancellationToken);
            foreach (var image in whole.Images)
                await InsertImageAsync(connection, transaction, image, cancellationToken);
            foreach (var message in whole.Messages)
                await InsertMessageAsync(connection, transaction, message, cancellationToken);
            await UpdateConversationRowAsync(connection, transaction, whole.Conversation, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task InsertConversationAsync(SqliteConnection connection, SqliteTransaction? transaction, Conversation conversation, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, """
            INSERT INTO conversations (id, owner, title, has_title, system_prompt, model, temperature, max_tokens, tools, selected_leaf, created_at, updated_at)
            VALUES ($id, $owner, $title, $hasTitle, $systemPrompt, $model, $temperature, $maxTokens, $tools, $selectedLeaf, $createdAt, $updatedAt)
            """);
        command.Transaction = transaction;
        BindConversation(command, conversation);
        command.Parameters.AddWithValue("$owner", conversation.Owner);
        command.Parameters.AddWithValue("$createdAt", conversation.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, SelectConversation + " WHERE c.owner = $owner AND c.id = $id");
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadConversation(reader) : null;
    }

    public async Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default)
    {
        var cursor = PageCursor.Decode(query.Cursor);
        var limit = Math.Clamp(query.Limit, 1, 200);
        await using var connection = await OpenAsync(cancellationToken);
        var sql = SelectConversation + " WHERE c.owner = $owner";
        if (cursor is not null)
            sql += " AND (c.updated_at < $cursorAt OR (c.updated_at = $cursorAt AND c.id < $cursorId))";
        if (!string.IsNullOrWhiteSpace(query.Search))
            sql += """
                 AND (c.title LIKE $search ESCAPE '\' OR EXISTS (
                    SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.text LIKE $search ESCAPE '\'))
                """;
        sql += " ORDER BY c.updated_at DESC, c.id DESC LIMIT $limit";

        await using var command = Command(connection, sql);
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$limit", limit + 1);
        if (cursor is { } c)
        {
            command.Parameters.AddWithValue("$cursorAt", c.UpdatedAtMs);
            command.Parameters.AddWithValue("$cursorId", c.Id);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
            command.Parameters.AddWithValue("$search", "%" + EscapeLike(query.Search.Trim()) + "%");

        var conversations = new List<Conversation>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                conversations.Add(ReadConversation(reader));
        }

        var hasMore = conversations.Count > limit;
        if (hasMore)
            conversations.RemoveAt(conversations.Count - 1);

        var items = new List<ConversationListItem>(conversations.Count);
        foreach (var conversation in conversations)
        {
            var snippet = string.IsNullOrWhiteSpace(query.Search)
                ? null
                : await FindSnippetAsync(connection, conversation.Id, query.Search.Trim(), cancellationToken);
            items.Add(new ConversationListItem(conversation, snippet));
        }

        var last = conversations.LastOrDefault();
        var next = hasMore && last is not null ? new PageCursor(last.UpdatedAt.ToUnixTimeMilliseconds(), last.Id).Encode() : null;
        return new ConversationPage(items, next);
    }

    public async Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await UpdateConversationRowAsync(connection, null, conversation, cancellationToken);
    }

    private static async Task<bool> UpdateConversationRowAsync(SqliteConnection connection, SqliteTransaction? transaction, Conversation conversation, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, """
            UPDATE conversations SET title = $title, has_title = $hasTitle, system_prompt = $systemPrompt, model = $model,
                temperature = $temperature, max_tokens = $maxTokens, tools = $tools, selected_leaf = $selectedLeaf, updated_at = $updatedAt
            WHERE id = $id AND owner = $owner
            """);
        command.Transaction = transaction;
        BindConversation(command, conversation);
        command.Parameters.AddWithValue("$owner", conversation.Owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM conversations WHERE id = $id AND owner = $owner");
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$owner", owner);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (deleted)
            await CheckpointAsync(connection);
        return deleted;
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT id, conversation_id, parent_id, role, parts, model, status, error, usage, timings, created_at
            FROM messages WHERE conversation_id = $conversationId ORDER BY seq
            """);
        command.Parameters.AddWithValue("$conversationId", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<StoredMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new StoredMessage
            {
                Id = reader.GetString(0),
                ConversationId = reader.GetString(1),
                ParentId = reader.IsDBNull(2) ? null : reader.GetString(2),
                Role = reader.GetString(3),
                Parts = MessagePartsJson.Deserialize<List<MessagePart>>(reader.GetString(4)) ?? [],
                Model = reader.IsDBNull(5) ? null : reader.GetString(5),
                Status = reader.GetString(6),
                Error = MessagePartsJson.Deserialize<MessageError>(reader.IsDBNull(7) ? null : reader.GetString(7)),
                Usage = MessagePartsJson.Deserialize<TokenUsage>(reader.IsDBNull(8) ? null : reader.GetString(8)),
                Timings = MessagePartsJson.Deserialize<MessageTimings>(reader.IsDBNull(9) ? null : reader.GetString(9)),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
            });
        }
        return messages;
    }

    public async Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await InsertMessageAsync(connection, transaction, message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task InsertMessageAsync(SqliteConnection connection, SqliteTransaction transaction, StoredMessage message, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, """
            INSERT INTO messages (id, conversation_id, parent_id, seq, role, parts, text, model, status, error, usage, timings, created_at)
            VALUES ($id, $conversationId, $parentId,
                (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = $conversationId),
                $role, $parts, $text, $model, $status, $error, $usage, $timings, $createdAt)
            """);
        insert.Transaction = transaction;
        BindMessage(insert, message);
        insert.Parameters.AddWithValue("$conversationId", message.ConversationId);
        insert.Parameters.AddWithValue("$parentId", (object?)message.ParentId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$role", message.Role);
        insert.Parameters.AddWithValue("$createdAt", message.CreatedAt.ToUnixTimeMilliseconds());
        await insert.ExecuteNonQueryAsync(cancellationToken);

        await using var touch = Command(connection, "UPDATE conversations SET updated_at = MAX(updated_at, $at) WHERE id = $conversationId");
        touch.Transaction = transaction;
        touch.Parameters.AddWithValue("$at", message.CreatedAt.ToUnixTimeMilliseconds());
        touch.Parameters.AddWithValue("$conversationId", message.ConversationId);
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE messages SET parts = $parts, text = $text, model = $model, status = $status, error = $error,
                usage = $usage, timings = $timings
            WHERE id = $id
            """);
        BindMessage(command, message);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'");
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            DELETE FROM messages WHERE conversation_id = $id;
            DELETE FROM images WHERE conversation_id = $id;
            """);
        command.Parameters.AddWithValue("$id", conversationId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await CheckpointAsync(connection);
    }

    public async Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await InsertImageAsync(connection, null, image, cancellationToken);
    }

    private static async Task InsertImageAsync(SqliteConnection connection, SqliteTransaction? transaction, StoredImage image, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "INSERT INTO images (id, conversation_id, media_type, data) VALUES ($id, $conversationId, $mediaType, $data)");
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$id", image.Id);
        command.Parameters.AddWithValue("$conversationId", image.ConversationId);
        command.Parameters.AddWithValue("$mediaType", image.MediaType);
        command.Parameters.AddWithValue("$data", image.Data);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT media_type, data FROM images WHERE id = $id AND conversation_id = $conversationId");
        command.Parameters.AddWithValue("$id", imageId);
        command.Parameters.AddWithValue("$conversationId", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredImage(imageId, conversationId, reader.GetString(0), (byte[])reader.GetValue(1))
            : null;
    }

    private const string SelectConversation = """
        SELECT c.id, c.owner, c.title, c.has_title, c.system_prompt, c.model, c.temperature, c.max_tokens, c.created_at, c.updated_at,
            (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count, c.tools, c.selected_leaf
        FROM conversations c
        """;

    private static Conversation ReadConversation(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Owner = reader.GetString(1),
        Title = reader.GetString(2),
        HasTitle = reader.GetInt64(3) != 0,
        SystemPrompt = reader.IsDBNull(4) ? null : reader.GetString(4),
        Model = reader.IsDBNull(5) ? null : reader.GetString(5),
        Temperature = reader.IsDBNull(6) ? null : reader.GetDouble(6),
        MaxTokens = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
        MessageCount = reader.GetInt32(10),
        Tools = reader.IsDBNull(11) ? null : MessagePartsJson.Deserialize<List<string>>(reader.GetString(11)),
        SelectedLeafId = reader.IsDBNull(12) ? null : reader.GetString(12),
    };

    private static void BindConversation(SqliteCommand command, Conversation conversation)
    {
        command.Parameters.AddWithValue("$id", conversation.Id);
        command.Parameters.AddWithValue("$title", conversation.Title);
        command.Parameters.AddWithValue("$hasTitle", conversation.HasTitle ? 1 : 0);
        command.Parameters.AddWithValue("$systemPrompt", (object?)conversation.SystemPrompt ?? DBNull.Value);
        command.Parameters.AddWithValue("$model", (object?)conversation.Model ?? DBNull.Value);
        command.Parameters.AddWithValue("$temperature", (object?)conversation.Temperature ?? DBNull.Value);
        command.Parameters.AddWithValue("$maxTokens", (object?)conversation.MaxTokens ?? DBNull.Value);
        command.Parameters.AddWithValue("$tools", (object?)MessagePartsJson.SerializeOrNull(conversation.Tools) ?? DBNull.Value);
        command.Parameters.AddWithValue("$selectedLeaf", (object?)conversation.SelectedLeafId ?? DBNull.Value);
        command.Parameters.AddWithValue("$updatedAt", conversation.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private static void BindMessage(SqliteCommand command, StoredMessage message)
    {
        command.Parameters.AddWithValue("$id", message.Id);
        command.Parameters.AddWithValue("$parts", MessagePartsJson.Serialize(message.Parts));
        command.Parameters.AddWithValue("$text", message.Text);
        command.Parameters.AddWithValue("$model", (object?)message.Model ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", message.Status);
        command.Parameters.AddWithValue("$error", (object?)MessagePartsJson.SerializeOrNull(message.Error) ?? DBNull.Value);
        command.Parameters.AddWithValue("$usage", (object?)MessagePartsJson.SerializeOrNull(message.Usage) ?? DBNull.Value);
        command.Parameters.AddWithValue("$timings", (object?)MessagePartsJson.SerializeOrNull(message.Timings) ?? DBNull.Value);
    }

    private static async Task<string?> FindSnippetAsync(SqliteConnection connection, string conversationId, string search, CancellationToken cancellationToken)
    {
        await using var command = Command(connection,
            "SELECT text FROM messages WHERE conversation_id = $id AND text LIKE $search ESCAPE '\\' ORDER BY seq LIMIT 1");
        command.Parameters.AddWithValue("$id", conversationId);
        command.Parameters.AddWithValue("$search", "%" + EscapeLike(search) + "%");
        return await command.ExecuteScalarAsync(cancellationToken) is string text ? Snippets.Around(text, search) : null;
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync("owner = $owner AND ($before IS NULL OR updated_at < $before)", owner, lastActivityBefore, cancellationToken);

    public Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync("updated_at < $before", null, lastActivityBefore, cancellationToken);

    /// <summary>
    /// Deletes messages and images explicitly (to count them) and then the conversations, whose foreign keys cascade to
    /// any other table that hangs off a conversation. <c>secure_delete</c> overwrites the freed pages.
    /// </summary>
    private async Task<DeletedConversations> DeleteWhereAsync(string condition, string? owner, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var selected = $"SELECT id FROM conversations WHERE {condition}";
        async Task<int> RunAsync(string sql)
        {
            await using var command = Command(connection, sql);
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$owner", (object?)owner ?? DBNull.Value);
            command.Parameters.AddWithValue("$before", (object?)before?.ToUnixTimeMilliseconds() ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        var messages = await RunAsync($"DELETE FROM messages WHERE conversation_id IN ({selected})");
        var images = await RunAsync($"DELETE FROM images WHERE conversation_id IN ({selected})");
        var conversations = await RunAsync($"DELETE FROM conversations WHERE {condition}");
        await transaction.CommitAsync(cancellationToken);
        if (conversations > 0)
            await CheckpointAsync(connection);
        return new DeletedConversations(conversations, messages, images);
    }

    /// <summary>
    /// Every connection overwrites what it deletes (<c>secure_delete</c>), so deleted text does not linger in free pages.
    /// </summary>
    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = Command(connection, "PRAGMA secure_delete = ON;");
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// After a deletion: copies the write-ahead log into the database and empties it, since the log still holds the
    /// deleted rows' old pages. Best effort: readers in progress can keep part of the log until the next deletion.
    /// </summary>
    private static async Task CheckpointAsync(SqliteConnection connection)
    {
        await using var checkpoint = Command(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        await checkpoint.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
