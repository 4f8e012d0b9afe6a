using Npgsql;
using Parley.Conversations;

namespace Parley.Storage.Postgres;

/// <summary>Conversations, message trees and images in PostgreSQL, for several Parley instances sharing one database.</summary>
public sealed class PostgresConversationStore(PostgresDatabase database) : IConversationStore
{
    public string Kind => "postgres";

    /// <summary><c>host:port/database</c>, never credentials.</summary>
    public string Target => database.Target;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await using var connection = await database.OpenAsync(timeout.Token);
            await using var command = PostgresDatabase.Command(connection, "SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return true;
        }
        catch (Exception ex) when ((ex is NpgsqlException or OperationCanceledException or TimeoutException) && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, """
            INSERT INTO conversations (id, owner, title, has_title, system_prompt, model, temperature, max_tokens, tools, selected_leaf, created_at, updated_at)
            VALUES (@id, @owner, @title, @hasTitle, @systemPrompt, @model, @temperature, @maxTokens, @tools, @selectedLeaf, @createdAt, @updatedAt)
            """);
        BindConversation(command, conversation);
        command.Parameters.AddWithValue("createdAt", conversation.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, SelectConversation + " WHERE c.owner = @owner AND c.id = @id");
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadConversation(reader) : null;
    }

    public async Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default)
    {
        var cursor = PageCursor.Decode(query.Cursor);
        var limit = Math.Clamp(query.Limit, 1, 200);
        var search = string.IsNullOrWhiteSpace(query.Search) ? null : query.Search.Trim();
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = SelectConversation + " WHERE c.owner = @owner";
        if (cursor is not null)
            sql += " AND (c.updated_at < @cursorAt OR (c.updated_at = @cursorAt AND c.id < @cursorId))";
        if (search is not null)
            sql += """
                 AND (c.title ILIKE @search ESCAPE '\' OR EXISTS (
                    SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.text ILIKE @search ESCAPE '\'))
                """;
        // COLLATE "C": ids compare bytewise, as in SQLite and the page cursor.
        sql += " ORDER BY c.updated_at DESC, c.id COLLATE \"C\" DESC LIMIT @limit";

        await using var command = PostgresDatabase.Command(connection, sql);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("limit", limit + 1);
        if (cursor is { } c)
        {
            command.Parameters.AddWithValue("cursorAt", c.UpdatedAtMs);
            command.Parameters.AddWithValue("cursorId", c.Id);
        }
        if (search is not null)
            command.Parameters.AddWithValue("search", "%" + EscapeLike(search) + "%");

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
            var snippet = search is null ? null : await FindSnippetAsync(connection, conversation.Id, search, cancellationToken);
            items.Add(new ConversationListItem(conversation, snippet));
        }

        var last = conversations.LastOrDefault();
        var next = hasMore && last is not null ? new PageCursor(last.UpdatedAt.ToUnixTimeMilliseconds(), last.Id).Encode() : null;
        return new ConversationPage(items, next);
    }

    public async Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, """
            UPDATE conversations SET title = @title, has_title = @hasTitle, system_prompt = @systemPrompt, model = @model,
                temperature = @temperature, max_tokens = @maxTokens, tools = @tools, selected_leaf = @selectedLeaf, updated_at = @updatedAt
            WHERE id = @id AND owner = @owner
            """);
        BindConversation(command, conversation);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, "DELETE FROM conversations WHERE id = @id AND owner = @owner");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync("owner = @owner AND (@before::bigint IS NULL OR updated_at < @before::bigint)", owner, lastActivityBefore, cancellationToken);

    public Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync("updated_at < @before::bigint", null, lastActivityBefore, cancellationToken);

    /// <summary>Deletes messages and images explicitly (to count them), then the conversations, in one transaction.</summary>
    private async Task<DeletedConversations> DeleteWhereAsync(string condition, string? owner, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var selected = $"SELECT id FROM conversations WHERE {condition}";
        async Task<int> RunAsync(string sql)
        {
            await using var command = PostgresDatabase.Command(connection, sql, transaction);
            command.Parameters.Add(Text("owner", owner));
            command.Parameters.Add(new NpgsqlParameter("before", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)before?.ToUnixTimeMilliseconds() ?? DBNull.Value });
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        var messages = await RunAsync($"DELETE FROM messages WHERE conversation_id IN ({selected})");
        var images = await RunAsync($"DELETE FROM images WHERE conversation_id IN ({selected})");
        var conversations = await RunAsync($"DELETE FROM conversations WHERE {condition}");
        await transaction.CommitAsync(cancellationToken);
        return new DeletedConversations(conversations, messages, images);
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, """
            SELECT id, conversation_id, parent_id, role, parts, model, status, error, usage, timings, created_at
            FROM messages WHERE conversation_id = @conversationId ORDER BY seq
            """);
        command.Parameters.AddWithValue("conversationId", conversationId);
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
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = PostgresDatabase.Command(connection, """
            INSERT INTO messages (id, conversation_id, parent_id, role, parts, text, model, status, error, usage, timings, created_at)
            VALUES (@id, @conversationId, @parentId, @role, @parts, @text, @model, @status, @error, @usage, @timings, @createdAt)
            """, transaction))
        {
            BindMessage(insert, message);
            insert.Parameters.AddWithValue("conversationId", message.ConversationId);
            insert.Parameters.Add(Text("parentId", message.ParentId));
            insert.Parameters.AddWithValue("role", message.Role);
            insert.Parameters.AddWithValue("createdAt", message.CreatedAt.ToUnixTimeMilliseconds());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var touch = PostgresDatabase.Command(connection,
            "UPDATE conversations SET updated_at = GREATEST(updated_at, @at) WHERE id = @conversationId", transaction))
        {
            touch.Parameters.AddWithValue("at", message.CreatedAt.ToUnixTimeMilliseconds());
            touch.Parameters.AddWithValue("conversationId", message.ConversationId);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, """
            UPDATE messages SET parts = @parts, text = @text, model = @model, status = @status, error = @error,
                usage = @usage, timings = @timings
            WHERE id = @id
            """);
        BindMessage(command, message);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection, "UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'");
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in new[] { "messages", "images" })
        {
            await using var command = PostgresDatabase.Command(connection, $"DELETE FROM {table} WHERE conversation_id = @id", transaction);
            command.Parameters.AddWithValue("id", conversationId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection,
            "INSERT INTO images (id, conversation_id, media_type, data) VALUES (@id, @conversationId, @mediaType, @data)");
        command.Parameters.AddWithValue("id", image.Id);
        command.Parameters.AddWithValue("conversationId", image.ConversationId);
        command.Parameters.AddWithValue("mediaType", image.MediaType);
        command.Parameters.AddWithValue("data", image.Data);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = PostgresDatabase.Command(connection,
            "SELECT media_type, data FROM images WHERE id = @id AND conversation_id = @conversationId");
        command.Parameters.AddWithValue("id", imageId);
        command.Parameters.AddWithValue("conversationId", conversationId);
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

    private static Conversation ReadConversation(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Owner = reader.GetString(1),
        Title = reader.GetString(2),
        HasTitle = reader.GetBoolean(3),
        SystemPrompt = reader.IsDBNull(4) ? null : reader.GetString(4),
        Model = reader.IsDBNull(5) ? null : reader.GetString(5),
        Temperature = reader.IsDBNull(6) ? null : reader.GetDouble(6),
        MaxTokens = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
        MessageCount = (int)reader.GetInt64(10),
        Tools = reader.IsDBNull(11) ? null : MessagePartsJson.Deserialize<List<string>>(reader.GetString(11)),
        SelectedLeafId = reader.IsDBNull(12) ? null : reader.GetString(12),
    };

    private static void BindConversation(NpgsqlCommand command, Conversation conversation)
    {
        command.Parameters.AddWithValue("id", conversation.Id);
        command.Parameters.AddWithValue("owner", conversation.Owner);
        command.Parameters.AddWithValue("title", conversation.Title);
        command.Parameters.AddWithValue("hasTitle", conversation.HasTitle);
        command.Parameters.Add(Text("systemPrompt", conversation.SystemPrompt));
        command.Parameters.Add(Text("model", conversation.Model));
        command.Parameters.AddWithValue("temperature", NpgsqlTypes.NpgsqlDbType.Double, (object?)conversation.Temperature ?? DBNull.Value);
        command.Parameters.AddWithValue("maxTokens", NpgsqlTypes.NpgsqlDbType.Integer, (object?)conversation.MaxTokens ?? DBNull.Value);
        command.Parameters.Add(Text("tools", MessagePartsJson.SerializeOrNull(conversation.Tools)));
        command.Parameters.Add(Text("selectedLeaf", conversation.SelectedLeafId));
        command.Parameters.AddWithValue("updatedAt", conversation.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private static void BindMessage(NpgsqlCommand command, StoredMessage message)
    {
        command.Parameters.AddWithValue("id", message.Id);
        command.Parameters.AddWithValue("parts", MessagePartsJson.Serialize(message.Parts));
        command.Parameters.AddWithValue("text", message.Text);
        command.Parameters.Add(Text("model", message.Model));
        command.Parameters.AddWithValue("status", message.Status);
        command.Parameters.Add(Text("error", MessagePartsJson.SerializeOrNull(message.Error)));
        command.Parameters.Add(Text("usage", MessagePartsJson.SerializeOrNull(message.Usage)));
        command.Parameters.Add(Text("timings", MessagePartsJson.SerializeOrNull(message.Timings)));
    }

    private static async Task<string?> FindSnippetAsync(NpgsqlConnection connection, string conversationId, string search, CancellationToken cancellationToken)
    {
        await using var command = PostgresDatabase.Command(connection,
            "SELECT text FROM messages WHERE conversation_id = @id AND text ILIKE @search ESCAPE '\\' ORDER BY seq LIMIT 1");
        command.Parameters.AddWithValue("id", conversationId);
        command.Parameters.AddWithValue("search", "%" + EscapeLike(search) + "%");
        return await command.ExecuteScalarAsync(cancellationToken) is string text ? Snippets.Around(text, search) : null;
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    // Typed as text so PostgreSQL never has to guess the type of a NULL.
    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };
}
