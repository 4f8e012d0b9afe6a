namespace Parley.Bots;

/// <summary>Process-local bot store for tests and the in-memory mode.</summary>
public sealed class InMemoryBotStore : IBotStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string, string), string> _threads = [];
    private readonly Dictionary<string, BotInboxItem> _inbox = [];
    private readonly Dictionary<string, (BotOutboxItem Item, bool Done)> _outbox = [];

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<string?> FindThreadAsync(string bot, string userId, string threadId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult(_threads.GetValueOrDefault((bot, userId, threadId)));
    }

    public Task AddThreadAsync(string bot, string userId, string threadId, string conversationId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            _threads.TryAdd((bot, userId, threadId), conversationId);
        return Task.CompletedTask;
    }

    public Task AddInboxAsync(BotInboxItem item, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            _inbox[item.Id] = item;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BotInboxItem>> PendingInboxAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<BotInboxItem>>([.. _inbox.Values.OrderBy(i => i.CreatedAt).Take(limit)]);
    }

    public Task CompleteInboxAsync(string inboxId, BotOutboxItem delivery, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_inbox.Remove(inboxId))
                _outbox[delivery.Id] = (delivery, false);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BotOutboxItem>> DueOutboxAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<BotOutboxItem>>(
                [.. _outbox.Values.Where(o => !o.Done && o.Item.NextAttemptAt <= now).Select(o => o.Item).OrderBy(o => o.CreatedAt).Take(limit)]);
        }
    }

    public Task MarkDeliveredAsync(string outboxId, DateTimeOffset deliveredAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_outbox.TryGetValue(outboxId, out var entry))
                _outbox[outboxId] = (entry.Item, true);
        }
        return Task.CompletedTask;
    }

    public Task RecordFailureAsync(string outboxId, int attempts, DateTimeOffset? nextAttemptAt, string reason, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_outbox.TryGetValue(outboxId, out var entry))
                _outbox[outboxId] = (entry.Item with { Attempts = attempts, NextAttemptAt = nextAttemptAt ?? DateTimeOffset.MaxValue }, nextAttemptAt is null);
        }
        return Task.CompletedTask;
    }
}
