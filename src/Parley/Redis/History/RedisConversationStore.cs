using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Storage;
using StackExchange.Redis;

namespace Parley.Redis.History;

/// <summary>
/// Seed 004's Redis-backed history as a conversation store. Per conversation: a hash with the settings (JSON) and the
/// last update time, a list of message ids in order and a hash of messages (JSON), a hash of images; per owner, a
/// sorted set of conversation ids by last update. Adding a message keeps the newest <see cref="RedisOptions.HistoryMaxTurns"/>
/// turns (two messages each) and every write renews <see cref="RedisOptions.HistoryTtlSeconds"/> on all of the
/// conversation's keys; each write is one Lua script, so concurrent writers cannot interleave.
/// </summary>
public sealed class RedisConversationStore(RedisConnection redis, IOptions<RedisOptions> options) : IConversationStore
{
    // KEYS: conversation, order, messages, images, owner index.
    private const string CreateScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'json', ARGV[1], 'owner', ARGV[2], 'updated', ARGV[3], 'updated_ms', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('ZADD', KEYS[5], ARGV[4], ARGV[6])
        redis.call('PEXPIRE', KEYS[5], ARGV[5])
        return 1
        """;

    private const string UpdateScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[1], 'json', ARGV[1], 'updated', ARGV[3], 'updated_ms', ARGV[4])
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
        redis.call('ZADD', KEYS[5], ARGV[4], ARGV[6])
        redis.call('PEXPIRE', KEYS[5], ARGV[5])
        return 1
        """;

    private const string DeleteScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
        redis.call('ZREM', KEYS[5], ARGV[2])
        return 1
        """;

    private const string ScanScript = """
        local cursor = '0'
        local found = {}
        repeat
          local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
          cursor = page[1]
          for _, key in ipairs(page[2]) do table.insert(found, key) end
        until cursor == '0'
        return found
        """;

    // ARGV: message id, message json, created ms, created text, ttl ms, max messages, conversation id.
    private const string AddMessageScript = """
        local owner = redis.call('HGET', KEYS[1], 'owner')
        if not owner then return 0 end
        redis.call('RPUSH', KEYS[2], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
        local max = tonumber(ARGV[6])
        while redis.call('LLEN', KEYS[2]) > max do
          redis.call('HDEL', KEYS[3], redis.call('LPOP', KEYS[2]))
        end
        local created = tonumber(ARGV[3])
        if created > tonumber(redis.call('HGET', KEYS[1], 'updated_ms') or '0') then
          redis.call('HSET', KEYS[1], 'updated', ARGV[4], 'updated_ms', ARGV[3])
          redis.call('ZADD', KEYS[5] .. owner, created, ARGV[7])
        end
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
        redis.call('PEXPIRE', KEYS[5] .. owner, ARGV[5])
        return 1
        """;

    // Replaces a message only if it is still there (it may have been trimmed meanwhile).
    private const string UpdateMessageScript = """
        if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
        return 1
        """;

    private const string SaveImageScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
        for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
        return 1
        """;

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
        var created = (int)await Database.ScriptEvaluateAsync(CreateScript, Keys(conversation.Id, conversation.Owner),
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
            await database.SortedSetRemoveAsync(index, [.. expired.Select(e => (RedisValue)e)]);

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

    public async Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var existing = await GetConversationAsync(conversation.Owner, conversation.Id, cancellationToken);
        if (existing is null)
            return false;
        var updated = conversation with { CreatedAt = existing.CreatedAt };
        return (int)await Database.ScriptEvaluateAsync(UpdateScript, Keys(conversation.Id, conversation.Owner),
            [Json(updated), conversation.Owner, Time(updated.UpdatedAt), updated.UpdatedAt.ToUnixTimeMilliseconds(), TtlMs, conversation.Id]) == 1;
    }

    public async Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default) =>
        (int)await Database.ScriptEvaluateAsync(DeleteScript, Keys(id, owner), [owner, id]) == 1;

    public async Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default)
    {
        var ids = await Database.SortedSetRangeByScoreAsync(OwnerIndex(owner), double.NegativeInfinity,
            lastActivityBefore is { } before ? before.ToUnixTimeMilliseconds() : double.PositiveInfinity, Exclude.Stop);
        var deleted = DeletedConversations.None;
        foreach (var id in ids.Select(v => (string)v!))
        {
            var messages = (int)await Database.HashLengthAsync(Key(id, "messages"));
            var images = (int)await Database.HashLengthAsync(Key(id, "images"));
            if (await DeleteConversationAsync(owner, id, cancellationToken))
                deleted = new DeletedConversations(deleted.Conversations + 1, deleted.Messages + messages, deleted.Images + images);
        }
        return deleted;
    }

    public async Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default)
    {
        // Every owner index under this prefix (SCAN inside a script, so the walk is one round trip).
        var indexes = (RedisResult[])(await Database.ScriptEvaluateAsync(ScanScript, [], [$"{redis.KeyPrefix}history:owner:*"]))!;
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
        var added = (int)await Database.ScriptEvaluateAsync(AddMessageScript,
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
        var stored = MessagePartsJson.Deserialize<StoredMessage>(current)!;
        var updated = message with { ParentId = stored.ParentId, Role = stored.Role, CreatedAt = stored.CreatedAt };
        await database.ScriptEvaluateAsync(UpdateMessageScript, ConversationKeys(id), [message.Id, MessagePartsJson.Serialize(updated), TtlMs]);
    }

    /// <summary>Walks the conversations' message hashes with SCAN (at startup only) and marks streaming replies interrupted.</summary>
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
                    await UpdateMessageAsync(message with { Status = MessageStatus.Interrupted }, cancellationToken);
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
        await Database.ScriptEvaluateAsync(SaveImageScript, ConversationKeys(image.ConversationId),
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
