using Parley.Conversations;

namespace Parley.Storage.Memory;

/// <summary>A process-local store for tests and throwaway demos; one lock keeps it consistent.</summary>
public sealed class InMemoryConversationStore : IConversationStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Conversation> _conversations = [];
    private readonly Dictionary<string, List<StoredMessage>> _messages = [];
    private readonly Dictionary<(string ConversationId, string ImageId), StoredImage> _images = [];

    public string Kind => "memory";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_conversations.TryAdd(conversation.Id, conversation with { MessageCount = 0, FolderId = null, Tools = Copy(conversation.Tools) }))
                throw new InvalidOperationException($"Conversation {conversation.Id} already exists.");
            _messages[conversation.Id] = [];
        }
        return Task.CompletedTask;
    }

    public Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult(Find(owner, id) is { } c ? WithCount(c) : null);
    }

    public Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default)
    {
        var cursor = PageCursor.Decode(query.Cursor);
        var limit = Math.Clamp(query.Limit, 1, 200);
        var search = query.Search?.Trim();
        lock (_gate)
        {
            var matches = _conversations.Values
                .Where(c => c.Owner == owner)
                .Where(c => !query.Organised || c.Pinned || c.FolderId is not null)
                .Where(c => cursor is not { } at || at.IsBefore(c.UpdatedAt.ToUnixTimeMilliseconds(), c.Id))
                .Select(c => (Conversation: c, Hit: string.IsNullOrEmpty(search) ? null : FirstHit(c, search)))
                .Where(x => string.IsNullOrEmpty(search) || x.Hit is not null || x.Conversation.Title.Contains(search, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(x => x.Conversation.UpdatedAt.ToUnixTimeMilliseconds())
                .ThenByDescending(x => x.Conversation.Id, StringComparer.Ordinal)
                .Take(limit + 1)
                .ToList();

            var hasMore = matches.Count > limit;
            var page = matches.Take(limit)
                .Select(x => new ConversationListItem(WithCount(x.Conversation), x.Hit is null ? null : Snippets.Around(x.Hit, search!)))
                .ToList();
            var last = page.LastOrDefault()?.Conversation;
            var next = hasMore && last is not null ? new PageCursor(last.UpdatedAt.ToUnixTimeMilliseconds(), last.Id).Encode() : null;
            return Task.FromResult(new ConversationPage(page, next));
        }
    }

    public Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Find(conversation.Owner, conversation.Id) is not { } existing)
                return Task.FromResult(false);
            _conversations[conversation.Id] = conversation with
            {
                Owner = existing.Owner, CreatedAt = existing.CreatedAt, Pinned = existing.Pinned, FolderId = existing.FolderId, Tools = Copy(conversation.Tools),
            };
            return Task.FromResult(true);
        }
    }

    public Task<bool> ReplaceTitleAsync(
        string owner, string id, string? whenTitleIs, string title, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(Change(owner, id, c => (whenTitleIs is null ? !c.HasTitle : c.Title == whenTitleIs)
            ? c with { Title = title, HasTitle = true, UpdatedAt = updatedAt }
            : null));

    public Task<bool> SetPinnedAsync(string owner, string id, bool pinned, CancellationToken cancellationToken = default) =>
        Task.FromResult(Change(owner, id, c => c with { Pinned = pinned }));

    public Task<bool> MoveToFolderAsync(string owner, string id, string? folderId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Change(owner, id, c => c with { FolderId = folderId }));

    public Task<int> MoveOutOfFolderAsync(string owner, string folderId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var filed = _conversations.Values.Where(c => c.Owner == owner && c.FolderId == folderId).ToList();
            foreach (var conversation in filed)
                _conversations[conversation.Id] = conversation with { FolderId = null };
            return Task.FromResult(filed.Count);
        }
    }

    /// <summary>Replaces the owner's conversation with what <paramref name="change"/> makes of it, under the lock; null from it changes nothing.</summary>
    private bool Change(string owner, string id, Func<Conversation, Conversation?> change)
    {
        lock (_gate)
        {
            if (Find(owner, id) is not { } existing || change(existing) is not { } changed)
                return false;
            _conversations[id] = changed;
            return true;
        }
    }

    public Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Find(owner, id) is null)
                return Task.FromResult(false);
            _conversations.Remove(id);
            _messages.Remove(id);
            foreach (var key in _images.Keys.Where(k => k.ConversationId == id).ToList())
                _images.Remove(key);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<StoredMessage>>(_messages.TryGetValue(conversationId, out var list) ? [.. list] : []);
    }

    public Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_messages.TryGetValue(message.ConversationId, out var list))
                throw new InvalidOperationException($"Conversation {message.ConversationId} does not exist.");
            list.Add(message);
            var conversation = _conversations[message.ConversationId];
            if (message.CreatedAt > conversation.UpdatedAt)
                _conversations[message.ConversationId] = conversation with { UpdatedAt = message.CreatedAt };
        }
        return Task.CompletedTask;
    }

    public Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_messages.TryGetValue(message.ConversationId, out var list))
            {
                var index = list.FindIndex(m => m.Id == message.Id);
                if (index >= 0)
                    list[index] = message with { ParentId = list[index].ParentId, Role = list[index].Role, CreatedAt = list[index].CreatedAt };
            }
        }
        return Task.CompletedTask;
    }

    public Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var count = 0;
        lock (_gate)
        {
            foreach (var list in _messages.Values)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i].Status != MessageStatus.Streaming)
                        continue;
                    list[i] = list[i] with { Status = MessageStatus.Interrupted };
                    count++;
                }
            }
        }
        return Task.FromResult(count);
    }

    public Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_messages.TryGetValue(conversationId, out var list))
                list.Clear();
            foreach (var key in _images.Keys.Where(k => k.ConversationId == conversationId).ToList())
                _images.Remove(key);
        }
        return Task.CompletedTask;
    }

    public Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            _images[(image.ConversationId, image.Id)] = image;
        return Task.CompletedTask;
    }

    public Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult(_images.GetValueOrDefault((conversationId, imageId)));
    }

    public Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default) =>
        Task.FromResult(DeleteWhere(c => c.Owner == owner && (lastActivityBefore is not { } before || c.UpdatedAt < before)));

    public Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default) =>
        Task.FromResult(DeleteWhere(c => c.UpdatedAt < lastActivityBefore));

    private DeletedConversations DeleteWhere(Func<Conversation, bool> match)
    {
        lock (_gate)
        {
            var ids = _conversations.Values.Where(match).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            var messages = 0;
            foreach (var id in ids)
            {
                _conversations.Remove(id);
                if (_messages.Remove(id, out var list))
                    messages += list.Count;
            }
            var images = _images.Keys.Where(k => ids.Contains(k.ConversationId)).ToList();
            foreach (var key in images)
                _images.Remove(key);
            return new DeletedConversations(ids.Count, messages, images.Count);
        }
    }

    /// <summary>Callers keep their list; the store keeps its own copy, as a database would.</summary>
    private static List<string>? Copy(IReadOnlyList<string>? tools) => tools is null ? null : [.. tools];

    private Conversation? Find(string owner, string id) =>
        _conversations.TryGetValue(id, out var c) && c.Owner == owner ? c : null;

    private Conversation WithCount(Conversation c) => c with { MessageCount = _messages.TryGetValue(c.Id, out var list) ? list.Count : 0 };

    private string? FirstHit(Conversation c, string search) =>
        _messages.TryGetValue(c.Id, out var list)
            ? list.Select(m => m.Text).FirstOrDefault(t => t.Contains(search, StringComparison.OrdinalIgnoreCase))
            : null;
}
