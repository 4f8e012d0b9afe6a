namespace Parley.Audit;

/// <summary>The audit trail in process, for tests and the library package.</summary>
public sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _lock = new();
    private readonly List<AuditEvent> _events = [];

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_lock)
        {
            foreach (var e in events)
                _events.Add(e with { Id = _events.Count + 1, At = DateTimeOffset.FromUnixTimeMilliseconds(e.At.ToUnixTimeMilliseconds()) });
        }
        return Task.CompletedTask;
    }

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var before = AuditCursor.Decode(query.Cursor);
        var limit = AuditCursor.Limit(query.Limit);
        List<AuditEvent> page;
        lock (_lock)
        {
            page = [.. Enumerable.Reverse(_events)
                .Where(e => before is null || e.Id < before)
                .Where(e => query.From is null || e.At >= query.From)
                .Where(e => query.To is null || e.At < query.To)
                .Where(e => query.Action is null || e.Action == query.Action || e.Action.StartsWith(query.Action + ".", StringComparison.Ordinal))
                .Where(e => query.Actor is null || string.Equals(e.Actor, query.Actor, StringComparison.OrdinalIgnoreCase))
                .Take(limit + 1)];
        }
        return Task.FromResult(AuditCursor.Page(page, limit));
    }
}
