using System.Collections.Concurrent;
using Parley.Conversations;
using Parley.Errors;
using Parley.Storage;
using Parley.Storage.Memory;

namespace Parley.Redis.History;

/// <summary>
/// Seed 004's fallback: the Redis history while Redis answers, this instance's memory while it does not. Conversations
/// started during an outage stay in memory (usable, listed next to the Redis ones, not kept across restarts). A
/// conversation stored in Redis that this instance has read or written keeps a copy here, so the conversation in front
/// of the user goes on in memory when Redis goes away (what is said meanwhile is not written back to Redis); one this
/// instance never saw answers 503 <c>store_unavailable</c> until Redis returns.
/// </summary>
public sealed class FallbackConversationStore(RedisConversationStore redisStore, RedisConnection redis) : IConversationStore
{
    public const string StoreUnavailable = ErrorCodes.StoreUnavailable;

    /// <summary>How many Redis conversations keep a copy for an outage (the most recently used ones, roughly).</summary>
    public const int MaxCopies = 1000;

    private readonly InMemoryConversationStore _memory = new();
    private readonly ConcurrentDictionary<string, byte> _inMemory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Copy> _copies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _adoptions = new(StringComparer.Ordinal);

    public string Kind => redis.IsAvailable ? redisStore.Kind : "memory (Redis unreachable)";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Always answers: memory takes over while Redis is down (the <c>redis</c> health entry reports that).</summary>
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public async Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (redis.IsAvailable)
        {
            try
            {
                await redisStore.CreateConversationAsync(conversation, cancellationToken);
                Remember(conversation.Id, c => c with { Conversation = conversation, Messages = [] });
                return;
            }
            catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
            {
                redis.Failed(error);
            }
        }
        await _memory.CreateConversationAsync(conversation, cancellationToken);
        _inMemory[conversation.Id] = 0;
    }

    public async Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        var conversation = await Route(id, s => s.GetConversationAsync(owner, id, cancellationToken));
        if (conversation is not null)
            Remember(id, c => c with { Conversation = conversation });
        return conversation;
    }

    public async Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var memory = await _memory.ListConversationsAsync(owner, query, cancellationToken);
        if (!redis.IsAvailable)
            return memory;
        ConversationPage stored;
        try
        {
            stored = await redisStore.ListConversationsAsync(owner, query, cancellationToken);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            return memory;
        }
        if (memory.Items.Count == 0)
            return stored;

        // Both pages start at the same cursor and use the same order, so merging them gives the true next page.
        var limit = Math.Clamp(query.Limit, 1, 200);
        var merged = stored.Items.Concat(memory.Items)
            .OrderByDescending(i => i.Conversation.UpdatedAt.ToUnixTimeMilliseconds())
            .ThenByDescending(i => i.Conversation.Id, StringComparer.Ordinal)
            .ToList();
        var page = merged.Take(limit).ToList();
        var more = merged.Count > limit || stored.NextCursor is not null || memory.NextCursor is not null;
        var last = page.LastOrDefault()?.Conversation;
        return new ConversationPage(page, more && last is not null ? new PageCursor(last.UpdatedAt.ToUnixTimeMilliseconds(), last.Id).Encode() : null);
    }

    public async Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var updated = await Route(conversation.Id, s => s.UpdateConversationAsync(conversation, cancellationToken));
        if (updated)
            Remember(conversation.Id, c => c with
            {
                Conversation = c.Conversation is { } copy ? conversation with { Pinned = copy.Pinned, FolderId = copy.FolderId } : conversation,
            });
        return updated;
    }

    public Task<bool> ReplaceTitleAsync(
        string owner, string id, string? whenTitleIs, string title, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, s => s.ReplaceTitleAsync(owner, id, whenTitleIs, title, updatedAt, cancellationToken),
            c => c with { Title = title, HasTitle = true, UpdatedAt = updatedAt });

    public Task<bool> SetPinnedAsync(string owner, string id, bool pinned, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, s => s.SetPinnedAsync(owner, id, pinned, cancellationToken), c => c with { Pinned = pinned });

    public Task<bool> MoveToFolderAsync(string owner, string id, string? folderId, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, s => s.MoveToFolderAsync(owner, id, folderId, cancellationToken), c => c with { FolderId = folderId });

    /// <summary>Makes a conditional change in the store that holds the conversation, and the same change to the copy kept for an outage when it was made.</summary>
    private async Task<bool> ChangeAsync(string id, Func<IConversationStore, Task<bool>> call, Func<Conversation, Conversation> change)
    {
        var changed = await Route(id, call);
        if (changed)
            ChangeCopy(id, change);
        return changed;
    }

    /// <summary>In memory and in Redis; while Redis is unreachable this fails (503), so a folder is never deleted with conversations still in it.</summary>
    public async Task<int> MoveOutOfFolderAsync(string owner, string folderId, CancellationToken cancellationToken = default)
    {
        var moved = await OnRedisAsync(() => redisStore.MoveOutOfFolderAsync(owner, folderId, cancellationToken), "moved out of a folder");
        moved += await _memory.MoveOutOfFolderAsync(owner, folderId, cancellationToken);
        foreach (var (id, copy) in _copies)
        {
            if (copy.Conversation is { } c && c.Owner == owner && c.FolderId == folderId)
                ChangeCopy(id, x => x with { FolderId = null });
        }
        return moved;
    }

    private void ChangeCopy(string id, Func<Conversation, Conversation> change)
    {
        if (_copies.ContainsKey(id))
            Remember(id, c => c with { Conversation = c.Conversation is { } conversation ? change(conversation) : null });
    }

    public async Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        var deleted = await Route(id, s => s.DeleteConversationAsync(owner, id, cancellationToken));
        if (deleted)
        {
            _inMemory.TryRemove(id, out _);
            _copies.TryRemove(id, out _);
        }
        return deleted;
    }

    public async Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default) =>
        Sum(await _memory.DeleteConversationsOfAsync(owner, lastActivityBefore, cancellationToken),
            await OnRedisAsync(() => redisStore.DeleteConversationsOfAsync(owner, lastActivityBefore, cancellationToken)));

    public async Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default) =>
        Sum(await _memory.DeleteInactiveConversationsAsync(lastActivityBefore, cancellationToken),
            await OnRedisAsync(() => redisStore.DeleteInactiveConversationsAsync(lastActivityBefore, cancellationToken)));

    /// <summary>A bulk change needs Redis: while it is unreachable the change fails rather than silently leaving rows as they were.</summary>
    private async Task<T> OnRedisAsync<T>(Func<Task<T>> call, string what = "deleted")
    {
        if (!redis.IsAvailable)
            throw Unavailable(what);
        try
        {
            return await call();
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
            throw Unavailable(what);
        }
    }

    private static ParleyException Unavailable(string what) =>
        new(StoreUnavailable, 503, $"{RedisConnection.UnreachableWarning}: conversations stored in Redis cannot be {what} until it returns.");

    private static DeletedConversations Sum(DeletedConversations a, DeletedConversations b) =>
        new(a.Conversations + b.Conversations, a.Messages + b.Messages, a.Images + b.Images);

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var messages = await Route(conversationId, s => s.GetMessagesAsync(conversationId, cancellationToken));
        Remember(conversationId, c => c with { Messages = [.. messages] });
        return messages;
    }

    public async Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await Route(message.ConversationId, async s => { await s.AddMessageAsync(message, cancellationToken); return true; });
        Remember(message.ConversationId, c => c with { Messages = [.. c.Messages.Where(m => m.Id != message.Id), message] });
    }

    public async Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default) =>
        await _memory.MarkInterruptedAsync(cancellationToken) + (redis.IsAvailable ? await redisStore.MarkInterruptedAsync(cancellationToken) : 0);

    public async Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await Route(message.ConversationId, async s => { await s.UpdateMessageAsync(message, cancellationToken); return true; });
        Remember(message.ConversationId, c => c with { Messages = [.. c.Messages.Select(m => m.Id == message.Id ? message : m)] });
    }

    public async Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await Route(conversationId, async s => { await s.ClearMessagesAsync(conversationId, cancellationToken); return true; });
        Remember(conversationId, c => c with { Messages = [] });
    }

    public Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Route(image.ConversationId, async s => { await s.SaveImageAsync(image, cancellationToken); return true; });
    }

    public Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default) =>
        Route(conversationId, s => s.GetImageAsync(conversationId, imageId, cancellationToken));

    /// <summary>Conversations started during an outage live in memory; the rest in Redis, and fail with 503 while it is down.</summary>
    private async Task<T> Route<T>(string conversationId, Func<IConversationStore, Task<T>> call)
    {
        if (_inMemory.ContainsKey(conversationId))
            return await call(_memory);
        if (redis.IsAvailable)
        {
            try
            {
                return await call(redisStore);
            }
            catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
            {
                redis.Failed(error);
            }
        }
        if (await AdoptAsync(conversationId))
            return await call(_memory);
        throw new ParleyException(StoreUnavailable, 503,
            $"{RedisConnection.UnreachableWarning}: this conversation is stored in Redis and can be continued when Redis returns.");
    }

    /// <summary>
    /// Moves the copy of a Redis conversation into memory, where it goes on while Redis is unreachable. Requests that
    /// arrive while it is being moved wait for that one move rather than finding the copy gone.
    /// </summary>
    private async Task<bool> AdoptAsync(string conversationId)
    {
        if (_inMemory.ContainsKey(conversationId))
            return true;
        var adoption = _adoptions.GetOrAdd(conversationId, id => new Lazy<Task<bool>>(() => MoveCopyIntoMemoryAsync(id)));
        try
        {
            return await adoption.Value;
        }
        finally
        {
            _adoptions.TryRemove(KeyValuePair.Create(conversationId, adoption));
        }
    }

    /// <summary>The copy is complete in memory before the conversation is routed there.</summary>
    private async Task<bool> MoveCopyIntoMemoryAsync(string conversationId)
    {
        if (_inMemory.ContainsKey(conversationId))
            return true;
        if (!_copies.TryRemove(conversationId, out var copy) || copy.Conversation is null)
            return false;
        await _memory.CreateConversationAsync(copy.Conversation);
        foreach (var message in copy.Messages)
            await _memory.AddMessageAsync(message);
        _inMemory[conversationId] = 0;
        return true;
    }

    /// <summary>Keeps the copy of a Redis conversation current (conversations served from memory need none).</summary>
    private void Remember(string conversationId, Func<Copy, Copy> change)
    {
        if (_inMemory.ContainsKey(conversationId))
            return;
        if (_copies.Count >= MaxCopies && !_copies.ContainsKey(conversationId))
        {
            // Forget the least recently used copy.
            var oldest = _copies.MinBy(c => c.Value.UsedAt).Key;
            if (oldest is not null)
                _copies.TryRemove(oldest, out _);
        }
        _copies.AddOrUpdate(conversationId, _ => change(new Copy(null, [], Environment.TickCount64)) with { UsedAt = Environment.TickCount64 },
            (_, existing) => change(existing) with { UsedAt = Environment.TickCount64 });
    }

    private sealed record Copy(Conversation? Conversation, IReadOnlyList<StoredMessage> Messages, long UsedAt);
}
