using System.Data.Common;
using Dapper;
using Parley.Conversations;

namespace Parley.Storage;

/// <summary>
/// Conversations, their message trees and images in SQL: the embedded SQLite file by default, PostgreSQL for several
/// Parley instances sharing one database.
/// </summary>
public sealed class SqlConversationStore(SqlDatabase database) : IConversationStore
{
    private const string SelectConversation = """
        SELECT c.id, c.owner, c.title, c.has_title, c.system_prompt, c.model, c.temperature, c.max_tokens, c.created_at, c.updated_at,
            (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count, c.tools, c.selected_leaf,
            c.pinned, c.folder_id
        FROM conversations c
        """;

    public string Kind => database.Kind;

    /// <summary>Where the data lives (a file path, or <c>host:port/database</c>), never credentials.</summary>
    public string Target => database.Target;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await database.ScalarAsync<int>("SELECT 1", null, timeout.Token);
            return true;
        }
        catch (Exception ex) when ((ex is DbException or OperationCanceledException or TimeoutException) && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private const string InsertConversation = """
        INSERT INTO conversations (id, owner, title, has_title, system_prompt, model, temperature, max_tokens, tools, selected_leaf, pinned, created_at, updated_at)
        VALUES (@id, @owner, @title, @hasTitle, @systemPrompt, @model, @temperature, @maxTokens, @tools, @selectedLeaf, @pinned, @createdAt, @updatedAt)
        """;

    private const string UpdateConversation = """
        UPDATE conversations SET title = @title, has_title = @hasTitle, system_prompt = @systemPrompt, model = @model,
            temperature = @temperature, max_tokens = @maxTokens, tools = @tools, selected_leaf = @selectedLeaf, updated_at = @updatedAt
        WHERE id = @id AND owner = @owner
        """;

    private const string MoveToFolder = """
        UPDATE conversations SET folder_id = @folderId WHERE id = @id AND owner = @owner
            AND (@folderId IS NULL OR EXISTS (SELECT 1 FROM folders f WHERE f.id = @folderId AND f.owner = @owner))
        """;

    private const string InsertImage = "INSERT INTO images (id, conversation_id, media_type, data) VALUES (@Id, @ConversationId, @MediaType, @Data)";

    public Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return database.ExecuteAsync(InsertConversation, ConversationParameters(conversation), cancellationToken);
    }

    /// <summary>One transaction for every row of every conversation: a failure, or a crash part-way, leaves none of them.</summary>
    public async Task AddConversationsAsync(IReadOnlyList<WholeConversation> conversations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Task<int> RunAsync(string sql, object parameters) =>
            connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        foreach (var whole in conversations)
        {
            await RunAsync(InsertConversation, ConversationParameters(whole.Conversation));
            foreach (var image in whole.Images)
                await RunAsync(InsertImage, ImageParameters(image));
            foreach (var message in whole.Messages)
                await InsertMessageAsync(connection, transaction, message, cancellationToken);
            await RunAsync(UpdateConversation, ConversationParameters(whole.Conversation));
            if (whole.Conversation.FolderId is { } folderId)
                await RunAsync(MoveToFolder, new { folderId, id = whole.Conversation.Id, owner = whole.Conversation.Owner });
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(SelectConversation + " WHERE c.owner = @owner AND c.id = @id", new { owner, id }, ReadConversation, cancellationToken))
        .FirstOrNull();

    public async Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var cursor = PageCursor.Decode(query.Cursor);
        var limit = Math.Clamp(query.Limit, 1, 200);
        var search = string.IsNullOrWhiteSpace(query.Search) ? null : query.Search.Trim();
        var like = database.LikeIgnoringCase;
        var sql = SelectConversation + " WHERE c.owner = @owner";
        if (cursor is not null)
            sql += " AND (c.updated_at < @cursorAt OR (c.updated_at = @cursorAt AND c.id < @cursorId))";
        if (query.Organised)
            sql += " AND (c.pinned = @yes OR c.folder_id IS NOT NULL)";
        if (search is not null)
            sql += $"""
                 AND (c.title {like} @pattern ESCAPE '\' OR EXISTS (
                    SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.text {like} @pattern ESCAPE '\'))
                """;
        sql += $" ORDER BY c.updated_at DESC, {database.Bytewise("c.id")} DESC LIMIT @limit";

        await using var connection = await database.OpenAsync(cancellationToken);
        var conversations = (await SqlDatabase.ReadAsync(connection, new CommandDefinition(sql,
            new { owner, limit = limit + 1, yes = true, cursorAt = cursor?.UpdatedAtMs, cursorId = cursor?.Id, pattern = Pattern(search) },
            cancellationToken: cancellationToken), ReadConversation)).ToList();

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
        ArgumentNullException.ThrowIfNull(conversation);
        return await database.ExecuteAsync(UpdateConversation, ConversationParameters(conversation), cancellationToken) == 1;
    }

    public async Task<bool> ReplaceTitleAsync(
        string owner, string id, string? whenTitleIs, string title, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(
            "UPDATE conversations SET title = @title, has_title = @yes, updated_at = @at WHERE id = @id AND owner = @owner AND "
            + (whenTitleIs is null ? "has_title = @no" : "title = @whenTitleIs"),
            new { title, yes = true, no = false, at = updatedAt.ToUnixTimeMilliseconds(), id, owner, whenTitleIs }, cancellationToken) == 1;

    public async Task<bool> SetPinnedAsync(string owner, string id, bool pinned, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("UPDATE conversations SET pinned = @pinned WHERE id = @id AND owner = @owner",
            new { pinned, id, owner }, cancellationToken) == 1;

    /// <summary>The folder must be the owner's in the same statement, so a folder deleted or not theirs is never set.</summary>
    public async Task<bool> MoveToFolderAsync(string owner, string id, string? folderId, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync(MoveToFolder, new { folderId, id, owner }, cancellationToken) == 1;

    public Task<int> MoveOutOfFolderAsync(string owner, string folderId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE conversations SET folder_id = NULL WHERE folder_id = @folderId AND owner = @owner",
            new { folderId, owner }, cancellationToken);

    public async Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM conversations WHERE id = @id AND owner = @owner",
            new { id, owner }, cancellationToken: cancellationToken)) == 1;
        if (deleted)
            await AfterDeletionAsync(connection);
        return deleted;
    }

    public Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync("owner = @owner AND (@before IS NULL OR updated_at < @before)", owner, lastActivityBefore, cancellationToken);

    public Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default) =>
        DeleteWhereAsync("updated_at < @before", null, lastActivityBefore, cancellationToken);

    public Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default) =>
        database.QueryAsync("""
            SELECT id, conversation_id, parent_id, role, parts, model, status, error, usage, timings, created_at
            FROM messages WHERE conversation_id = @conversationId ORDER BY seq
            """, new { conversationId }, ReadMessage, cancellationToken);

    /// <summary>Reads no parts: a 10,000-message conversation's tree is a few hundred kilobytes of ids.</summary>
    public Task<IReadOnlyList<MessageNode>> GetMessageTreeAsync(string conversationId, CancellationToken cancellationToken = default) =>
        database.QueryAsync("SELECT id, parent_id, role, usage, length(text) FROM messages WHERE conversation_id = @conversationId ORDER BY seq",
            new { conversationId }, reader => new MessageNode(reader.GetString(0), SqlValues.Text(reader, 1), reader.GetString(2),
                MessagePartsJson.Deserialize<TokenUsage>(SqlValues.Text(reader, 3)), Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(
        string conversationId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var rows = new List<(StoredMessage Message, long Seq)>(ids.Count);
        // In chunks, well under either database's limit on parameters; one named parameter per id (Npgsql takes no list expansion).
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var parameters = new DynamicParameters(new { conversationId });
            for (var i = 0; i < chunk.Length; i++)
                parameters.Add($"id{i}", chunk[i]);
            var list = string.Join(", ", Enumerable.Range(0, chunk.Length).Select(i => $"@id{i}"));
            rows.AddRange(await database.QueryAsync(
                "SELECT id, conversation_id, parent_id, role, parts, model, status, error, usage, timings, created_at, seq " +
                $"FROM messages WHERE conversation_id = @conversationId AND id IN ({list})",
                parameters, reader => (ReadMessage(reader), reader.GetInt64(11)), cancellationToken));
        }
        return [.. rows.OrderBy(r => r.Seq).Select(r => r.Message)];
    }

    public async Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertMessageAsync(connection, transaction, message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Inserts a message as the next in its conversation and moves the conversation's last activity up to it.</summary>
    private async Task InsertMessageAsync(DbConnection connection, DbTransaction transaction, StoredMessage message, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO messages (id, conversation_id, parent_id, seq, role, parts, text, model, status, error, usage, timings, created_at)
            VALUES (@id, @conversationId, @parentId, {database.NextMessageSeq}, @role, @parts, @text, @model, @status, @error, @usage, @timings, @createdAt)
            """, MessageParameters(message), transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE conversations SET updated_at = CASE WHEN updated_at < @at THEN @at ELSE updated_at END WHERE id = @conversationId",
            new { at = message.CreatedAt.ToUnixTimeMilliseconds(), conversationId = message.ConversationId }, transaction, cancellationToken: cancellationToken));
    }

    public Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return database.ExecuteAsync("""
            UPDATE messages SET parts = @parts, text = @text, model = @model, status = @status, error = @error,
                usage = @usage, timings = @timings
            WHERE id = @id
            """, MessageParameters(message), cancellationToken);
    }

    public Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE messages SET status = @interrupted WHERE status = @streaming",
            new { interrupted = MessageStatus.Interrupted, streaming = MessageStatus.Streaming }, cancellationToken);

    public async Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in (string[])["messages", "images"])
        {
            await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE conversation_id = @conversationId",
                new { conversationId }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        await AfterDeletionAsync(connection);
    }

    public Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return database.ExecuteAsync(InsertImage, ImageParameters(image), cancellationToken);
    }

    public async Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT media_type, data FROM images WHERE id = @imageId AND conversation_id = @conversationId",
            new { imageId, conversationId }, r => new StoredImage(imageId, conversationId, r.GetString(0), (byte[])r.GetValue(1)), cancellationToken))
        .FirstOrNull();

    /// <summary>
    /// Deletes messages and images explicitly (to count them) and then the conversations, whose foreign keys cascade to
    /// any other table that hangs off a conversation; in one transaction, with freed pages overwritten where the database can.
    /// </summary>
    private async Task<DeletedConversations> DeleteWhereAsync(string condition, string? owner, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { owner, before = SqlValues.Ms(before) };
        Task<int> RunAsync(string sql) => connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
        var selected = $"SELECT id FROM conversations WHERE {condition}";
        var messages = await RunAsync($"DELETE FROM messages WHERE conversation_id IN ({selected})");
        var images = await RunAsync($"DELETE FROM images WHERE conversation_id IN ({selected})");
        var conversations = await RunAsync($"DELETE FROM conversations WHERE {condition}");
        await transaction.CommitAsync(cancellationToken);
        if (conversations > 0)
            await AfterDeletionAsync(connection);
        return new DeletedConversations(conversations, messages, images);
    }

    /// <summary>Runs the database's <see cref="SqlDatabase.AfterDeletion"/>, even when the caller has given up: the rows are gone already.</summary>
    private async Task AfterDeletionAsync(DbConnection connection)
    {
        if (database.AfterDeletion is { } statement)
            await connection.ExecuteAsync(new CommandDefinition(statement, cancellationToken: CancellationToken.None));
    }

    private async Task<string?> FindSnippetAsync(DbConnection connection, string conversationId, string search, CancellationToken cancellationToken)
    {
        var text = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"SELECT text FROM messages WHERE conversation_id = @conversationId AND text {database.LikeIgnoringCase} @pattern ESCAPE '\\' ORDER BY seq LIMIT 1",
            new { conversationId, pattern = Pattern(search) }, cancellationToken: cancellationToken));
        return text is null ? null : Snippets.Around(text, search!);
    }

    private static object ConversationParameters(Conversation c) => new
    {
        id = c.Id, owner = c.Owner, title = c.Title, hasTitle = c.HasTitle, systemPrompt = c.SystemPrompt, model = c.Model,
        temperature = c.Temperature, maxTokens = c.MaxTokens, tools = MessagePartsJson.SerializeOrNull(c.Tools),
        selectedLeaf = c.SelectedLeafId, pinned = c.Pinned, createdAt = c.CreatedAt.ToUnixTimeMilliseconds(), updatedAt = c.UpdatedAt.ToUnixTimeMilliseconds(),
    };

    private static object ImageParameters(StoredImage i) => new { i.Id, i.ConversationId, i.MediaType, i.Data };

    private static object MessageParameters(StoredMessage m) => new
    {
        id = m.Id, conversationId = m.ConversationId, parentId = m.ParentId, role = m.Role, parts = MessagePartsJson.Serialize(m.Parts),
        text = m.Text, model = m.Model, status = m.Status, error = MessagePartsJson.SerializeOrNull(m.Error),
        usage = MessagePartsJson.SerializeOrNull(m.Usage), timings = MessagePartsJson.SerializeOrNull(m.Timings),
        createdAt = m.CreatedAt.ToUnixTimeMilliseconds(),
    };

    private static Conversation ReadConversation(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Owner = reader.GetString(1),
        Title = reader.GetString(2),
        HasTitle = reader.GetBoolean(3),
        SystemPrompt = SqlValues.Text(reader, 4),
        Model = SqlValues.Text(reader, 5),
        Temperature = reader.IsDBNull(6) ? null : reader.GetDouble(6),
        MaxTokens = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
        MessageCount = (int)reader.GetInt64(10),
        Tools = reader.IsDBNull(11) ? null : MessagePartsJson.Deserialize<List<string>>(reader.GetString(11)),
        SelectedLeafId = SqlValues.Text(reader, 12),
        Pinned = reader.GetBoolean(13),
        FolderId = SqlValues.Text(reader, 14),
    };

    private static StoredMessage ReadMessage(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ConversationId = reader.GetString(1),
        ParentId = SqlValues.Text(reader, 2),
        Role = reader.GetString(3),
        Parts = MessagePartsJson.Deserialize<List<MessagePart>>(reader.GetString(4)) ?? [],
        Model = SqlValues.Text(reader, 5),
        Status = reader.GetString(6),
        Error = MessagePartsJson.Deserialize<MessageError>(SqlValues.Text(reader, 7)),
        Usage = MessagePartsJson.Deserialize<TokenUsage>(SqlValues.Text(reader, 8)),
        Timings = MessagePartsJson.Deserialize<MessageTimings>(SqlValues.Text(reader, 9)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
    };

    private static string? Pattern(string? search) => search is null ? null : "%" + EscapeLike(search) + "%";

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
