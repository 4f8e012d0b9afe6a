using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Errors;
using Parley.Storage;
using StackExchange.Redis;

namespace Parley.Redis.History;

/// <summary>
/// Seed 004's Redis-backed history as a conversation store. Per conversation: a hash with the settings (JSON) and the
/// last update time, a list of message ids in order and a hash of messages (JSON), a hash of images; per owner, a
/// sorted set of conversation ids by last update. Adding a message keeps the newest <see cref="RedisOptions.HistoryMaxTurns"/>
/// turns (two messages each) and every write renews <see cref="RedisOptions.HistoryTtlSeconds"/> on all of the
/// conversation's keys. Each write is one Lua script (<see cref="RedisHistoryScripts"/>), so concurrent writers cannot
/// interleave; a write computed from a read (settings, title, pin, folder) is a compare-and-set that is recomputed when
/// the conversation changed in between, so it never undoes a concurrent write.
/// </summary>
public sealed class RedisConversationStore(RedisConnection redis, IOptions<RedisOptions> options) : IConversationStore
{
    /// <summary>How many times a settings change is recomputed when other writers keep changing the conversation first.</summary>
    private const int MaxAttempts = 50;

    public string Kind => "redis";

    private IDatabase Database => redis.Database()
        ?? throw new RedisUnavailableException();

    private long TtlMs => options.Value.HistoryTtlSeconds * 1000L;

    private int MaxMessages => options.Value.HistoryMaxTurns * 2;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        if (redis.Database() is not { } database)
            return false;
        try
        {
            await database.PingAsync();
            return true;
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            return false;
        }
    }

    public async Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var created = (int)await Database.ScriptEvaluateAsync(RedisHistoryScripts.Create, Keys(conversation.Id, conversation.Owner),
            [Json(conversation), conversation.Owner, Time(conversation.UpdatedAt), conversation.UpdatedAt.ToUnixTimeMilliseconds(), TtlMs, conversation.Id]);
        if (created == 0)
            throw new InvalidOperationException($"Conversation {conversation.Id} already exists.");
    }

    public async Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        var found = await LoadAsync(Database, [id]);
        return found.Count == 1 && found[0].Owner == owner ? found[0] : null;
    }

    public async Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var database = Database;
        var cursor = PageCursor.Decode(query.Cursor);
        var limit = Math.Clamp(query.Limit, 1, 200);
        var search = query.Search?.Trim();
        var index = OwnerIndex(owner);
        var ids = (await database.SortedSetRangeByRankAsync(index, 0, -1, Order.Descending)).Select(v => (string)v!).ToList();
        var conversations = await LoadAsync(database, ids);
        var expired = ids.Except(conversations.Select(c => c.Id), StringComparer.Ordinal).ToList();
        if (expired.Count > 0)
            await database.ScriptEvaluateAsync(RedisHistoryScripts.Prune, [index], [$"{redis.KeyPrefix}history:conversation:", .. expired.Select(e => (RedisValue)e)]);

        var matches = new List<ConversationListItem>();
        foreach (var conversation in conversations
                     .Where(c => c.Owner == owner)
                     .Where(c => !query.Organised || c.Pinned || c.FolderId is not null)
                     .Where(c => cursor is not { } at || at.IsBefore(c.UpdatedAt.ToUnixTimeMilliseconds(), c.Id))
                     .OrderByDescending(c => c.UpdatedAt.ToUnixTimeMilliseconds())
                     .ThenByDescending(c => c.Id, StringComparer.Ordinal))
        {
            if (matches.Count > limit)
                break;
            if (string.IsNullOrEmpty(search))
            {
                matches.Add(new ConversationListItem(conversation, null));
                continue;
            }
            var hit = (await GetMessagesAsync(conversation.Id, cancellationToken)).Select(m => m.Text)
                .FirstOrDefault(t => t.Contains(search, StringComparison.OrdinalIgnoreCase));
            if (hit is not null || conversation.Title.Contains(search, StringComparison.OrdinalIgnoreCase))
                matches.Add(new ConversationListItem(conversation, hit is null ? null : Snippets.Around(hit, search)));
        }

        var page = matches.Take(limit).ToList();
        var last = page.LastOrDefault()?.Conversation;
        var next = matches.Count > limit && last is not null ? new PageCursor(last.UpdatedAt.ToUnixTimeMilliseconds(), last.Id).Encode() : null;
        return new ConversationPage(page, next);
    }

    /// <summary>Replaces the settings and keeps the pin and folder stored now (only their own calls change them).</summary>
    public Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return ChangeAsync(conversation.Owner, conversation.Id,
            current => conversation with { Owner = current.Owner, CreatedAt = current.CreatedAt, Pinned = current.Pinned, FolderId = current.FolderId },
            conversation.UpdatedAt);
    }

    public Task<bool> ReplaceTitleAsync(
        string owner, string id, string? whenTitleIs, string title, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(owner, id, current => (whenTitleIs is null ? !current.HasTitle : current.Title == whenTitleIs)
            ? current with { Title = title, HasTitle = true, UpdatedAt = updatedAt }
            : null, updatedAt);

    public Task<bool> SetPinnedAsync(string owner, string id, bool pinned, CancellationToken cancellationToken = default) =>
        ChangeAsync(owner, id, current => current with { Pinned = pinned }, activity: null);

    /// <summary>The caller checks that the folder is the owner's: folders live in the SQL database, which Redis cannot see.</summary>
    public Task<bool> MoveToFolderAsync(string owner, string id, string? folderId, CancellationToken cancellationToken = default) =>
        ChangeAsync(owner, id, current => current with { FolderId = folderId }, activity: null);

    public async Task<int> MoveOutOfFolderAsync(string owner, string folderId, CancellationToken cancellationToken = default)
    {
        var database = Database;
        var ids = (await database.SortedSetRangeByRankAsync(OwnerIndex(owner))).Select(v => (string)v!).ToList();
        var moved = 0;
        foreach (var conversation in (await LoadAsync(database, ids)).Where(c => c.FolderId == folderId))
        {
            if (await ChangeAsync(owner, conversation.Id, current => current.FolderId == folderId ? current with { FolderId = null } : null, activity: null))
                moved++;
        }
        return moved;
    }

    /// <summary>
    /// Applies <paramref name="change"/> (null: leave it) to the owner's conversation as one compare-and-set: the new
    /// settings document is written only while the stored one is still the one it was computed from, else it is read
    /// again and the change recomputed. Compare-and-set rather than the change itself in Lua because the rules (titles,
    /// what a settings write keeps) are C#, and Lua's cjson would rewrite the document (an empty tool list becomes {});
    /// a script rather than WATCH/MULTI with a condition because one script also checks the owner and moves the index
    /// and the expiry in the same step, as every other write of this store does.
    /// <paramref name="activity"/>, when given, becomes the last activity (the list order); pins and folders are not activity.
    /// </summary>
    private async Task<bool> ChangeAsync(string owner, string id, Func<Conversation, Conversation?> change, DateTimeOffset? activity)
    {
        var database = Database;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var fields = await database.HashGetAsync(Key(id), ["json", "owner"]);
            if (fields[0].IsNullOrEmpty || fields[1] != owner)
                return false;
            var read = (string)fields[0]!;
            if (change(MessagePartsJson.Deserialize<Conversation>(read)!) is not { } changed)
                return false;
            RedisValue[] arguments = activity is { } at
                ? [Json(changed), owner, read, TtlMs, id, Time(at), at.ToUnixTimeMilliseconds()]
                : [Json(changed), owner, read, TtlMs, id];
            var result = (int)await database.ScriptEvaluateAsync(RedisHistoryScripts.ReplaceSettings, Keys(id, owner), arguments);
            if (result >= 0)
                return result == 1;
        }
        throw new ParleyException(ErrorCodes.StoreUnavailable, 503,
            "This conversation is being changed by many requests at once; try again in a moment.");
    }

    public async Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default) =>
        await DeleteCountingAsync(owner, id, activeBefore: null) is not null;

    /// <summary>
    /// Deletes the owner's conversation (with <paramref name="activeBefore"/>, only while its last activity is still
    /// before it); the numbers of its messages and images, or null when nothing was deleted.
    /// </summary>
    private async Task<(int Messages, int Images)?> DeleteCountingAsync(string owner, string id, DateTimeOffset? activeBefore)
    {
        RedisValue[] arguments = activeBefore is { } before ? [owner, id, before.ToUnixTimeMilliseconds()] : [owner, id];
        var result = await Database.ScriptEvaluateAsync(RedisHistoryScripts.Delete, Keys(id, owner), arguments);
        if (result.IsNull)
            return null;
        var counts = (RedisResult[])result!;
        return ((int)counts[0], (int)counts[1]);
    }

    public async Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default)
    {
        var ids = await Database.SortedSetRangeByScoreAsync(OwnerIndex(owner), double.NegativeInfinity,
            lastActivityBefore is { } before ? before.ToUnixTimeMilliseconds() : double.PositiveInfinity, Exclude.Stop);
        var deleted = DeletedConversations.None;
        foreach (var id in ids.Select(v => (string)v!))
        {
            if (await DeleteCountingAsync(owner, id, lastActivityBefore) is { } counts)
                deleted = deleted.Plus(new DeletedConversations(1, counts.Messages, counts.Images));
        }
        return deleted;
    }

    public async Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default)
    {
        // Every owner index under this prefix (SCAN inside a script, so the walk is one round trip).
        var indexes = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisHistoryScripts.Scan, [], [$"{redis.KeyPrefix}history:owner:*"]))!;
        var prefix = $"{redis.KeyPrefix}history:owner:";
        var total = DeletedConversations.None;
        foreach (var index in indexes.Select(i => (string)i!))
        {
            var deleted = await DeleteConversationsOfAsync(index[prefix.Length..], lastActivityBefore, cancellationToken);
            total = new DeletedConversations(total.Conversations + deleted.Conversations, total.Messages + deleted.Messages, total.Images + deleted.Images);
        }
        return total;
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var database = Database;
        var ids = await database.ListRangeAsync(Key(conversationId, "order"));
        if (ids.Length == 0)
            return [];
        var values = await database.HashGetAsync(Key(conversationId, "messages"), ids);
        return [.. values.Where(v => !v.IsNullOrEmpty).Select(v => MessagePartsJson.Deserialize<StoredMessage>(v)!)];
    }

    public async Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = message.ConversationId;
        var added = (int)await Database.ScriptEvaluateAsync(RedisHistoryScripts.AddMessage,
            [Key(id), Key(id, "order"), Key(id, "messages"), Key(id, "images"), $"{redis.KeyPrefix}history:owner:"],
            [message.Id, MessagePartsJson.Serialize(message), message.CreatedAt.ToUnixTimeMilliseconds(), Time(message.CreatedAt), TtlMs, MaxMessages, id]);
        if (added == 0)
            throw new InvalidOperationException($"Conversation {id} does not exist.");
    }

    public async Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var database = Database;
        var id = message.ConversationId;
        var current = await database.HashGetAsync(Key(id, "messages"), message.Id);
        if (current.IsNullOrEmpty)
            return;
        // Parent, role and creation time never change, so a stale read of them cannot undo anything.
        var stored = MessagePartsJson.Deserialize<StoredMessage>(current)!;
        var updated = message with { ParentId = stored.ParentId, Role = stored.Role, CreatedAt = stored.CreatedAt };
        await database.ScriptEvaluateAsync(RedisHistoryScripts.UpdateMessage, ConversationKeys(id), [message.Id, MessagePartsJson.Serialize(updated), TtlMs]);
    }

    /// <summary>
    /// Walks the conversations' message hashes with SCAN (at startup only) and marks streaming replies interrupted, each
    /// only if it is still exactly what was read: a reply saved meanwhile has a live writer and keeps what it wrote.
    /// </summary>
    public async Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var database = Database;
        var count = 0;
        var cursor = "0";
        do
        {
            var page = (RedisResult[])(await database.ExecuteAsync("SCAN", cursor, "MATCH", $"{redis.KeyPrefix}history:conversation:*:messages", "COUNT", 500))!;
            cursor = (string)page[0]!;
            foreach (var key in (RedisResult[])page[1]!)
            {
                foreach (var entry in await database.HashGetAllAsync((string)key!))
                {
                    var message = MessagePartsJson.Deserialize<StoredMessage>(entry.Value!)!;
                    if (message.Status != MessageStatus.Streaming)
                        continue;
                    var marked = (int)await database.ScriptEvaluateAsync(RedisHistoryScripts.UpdateMessage, ConversationKeys(message.ConversationId),
                        [entry.Name, MessagePartsJson.Serialize(message with { Status = MessageStatus.Interrupted }), TtlMs, entry.Value]);
                    if (marked == 1)
                        count++;
                }
            }
        }
        while (cursor != "0" && !cancellationToken.IsCancellationRequested);
        return count;
    }

    public async Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default) =>
        await Database.KeyDeleteAsync([Key(conversationId, "order"), Key(conversationId, "messages"), Key(conversationId, "images")]);

    public async Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await Database.ScriptEvaluateAsync(RedisHistoryScripts.SaveImage, ConversationKeys(image.ConversationId),
            [image.Id, MessagePartsJson.Serialize(new StoredImageJson(image.MediaType, image.Data)), TtlMs]);
    }

    public async Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default)
    {
        var value = await Database.HashGetAsync(Key(conversationId, "images"), imageId);
        if (value.IsNullOrEmpty)
            return null;
        var image = MessagePartsJson.Deserialize<StoredImageJson>(value)!;
        return new StoredImage(imageId, conversationId, image.MediaType, image.Data);
    }

    /// <summary>Seconds until the conversation's keys expire (for tests and diagnostics); null when it does not exist.</summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string conversationId) => await Database.KeyTimeToLiveAsync(Key(conversationId));

    private async Task<List<Conversation>> LoadAsync(IDatabase database, IReadOnlyList<string> ids)
    {
        var batch = database.CreateBatch();
        var reads = ids.Select(id => (Id: id,
            Fields: batch.HashGetAsync(Key(id), ["json", "updated"]),
            Count: batch.ListLengthAsync(Key(id, "order")))).ToList();
        batch.Execute();
        var found = new List<Conversation>();
        foreach (var read in reads)
        {
            var fields = await read.Fields;
            if (fields[0].IsNullOrEmpty)
                continue;
            var conversation = MessagePartsJson.Deserialize<Conversation>(fields[0])!;
            var updated = fields[1].IsNullOrEmpty ? conversation.UpdatedAt : DateTimeOffset.Parse(fields[1]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            found.Add(conversation with { UpdatedAt = updated, MessageCount = (int)await read.Count });
        }
        return found;
    }

    private static string Json(Conversation conversation) => MessagePartsJson.Serialize(conversation with { MessageCount = 0 });

    private static string Time(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private RedisKey[] Keys(string id, string owner) => [.. ConversationKeys(id), OwnerIndex(owner)];

    private RedisKey[] ConversationKeys(string id) => [Key(id), Key(id, "order"), Key(id, "messages"), Key(id, "images")];

    private RedisKey Key(string id) => $"{redis.KeyPrefix}history:conversation:{id}";

    private RedisKey Key(string id, string part) => $"{redis.KeyPrefix}history:conversation:{id}:{part}";

    private RedisKey OwnerIndex(string owner) => $"{redis.KeyPrefix}history:owner:{owner}";

    private sealed record StoredImageJson(string MediaType, byte[] Data);
}
