using System.Collections.Concurrent;

namespace Parley.Responses;

/// <summary>
/// Stored responses in this process's memory (<c>PARLEY_STORAGE_PROVIDER=memory</c>): gone on restart and invisible to
/// other instances. Kept in their stored (JSON) form, so a read never shares objects with a writer. Bounded: beyond
/// <see cref="Capacity"/> responses or <see cref="CapacityBytes"/> the oldest are forgotten.
/// </summary>
public sealed class InMemoryResponseStore(TimeProvider time) : IResponseStore
{
    public const int Capacity = 10_000;

    public const long CapacityBytes = 256L * 1024 * 1024;

    private sealed record Entry(string Owner, string ModelId, DateTimeOffset At, string? RelayedBy, StoredResponseJson Json);

    private readonly ConcurrentDictionary<string, Entry> _responses = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly Lock _gate = new();
    private long _bytes;

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> SaveAsync(StoredResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (StoredResponseJson.Of(response) is not { } json)
            return Task.FromResult(false);
        lock (_gate)
        {
            if (_responses.TryGetValue(response.Id, out var existing))
            {
                if (!Owns(existing, response.Owner))
                    return Task.FromResult(false);
                _bytes -= existing.Json.Bytes;
            }
            else
            {
                _order.Enqueue(response.Id);
            }
            _responses[response.Id] = new Entry(response.Owner, response.ModelId, response.At, response.RelayedBy, json);
            _bytes += json.Bytes;
            while ((_responses.Count > Capacity || _bytes > CapacityBytes) && _order.TryDequeue(out var oldest))
            {
                if (oldest != response.Id && _responses.TryRemove(oldest, out var removed))
                    _bytes -= removed.Json.Bytes;
            }
        }
        return Task.FromResult(true);
    }

    public Task<StoredResponse?> FindAsync(string id, string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(_responses.TryGetValue(id, out var entry) && Owns(entry, owner) && time.GetUtcNow() - entry.At < StoredResponse.Lifetime
            ? entry.Json.ToStored(id, entry.Owner, entry.ModelId, entry.At, entry.RelayedBy)
            : null);

    public Task<bool> DeleteAsync(string id, string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(Remove(e => e.Key == id && Owns(e.Value, owner) && time.GetUtcNow() - e.Value.At < StoredResponse.Lifetime) == 1);

    public Task<int> DeleteOfOwnerAsync(string owner, DateTimeOffset? before, CancellationToken cancellationToken = default) =>
        Task.FromResult(Remove(e => Owns(e.Value, owner) && (before is null || e.Value.At < before)));

    public Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        Task.FromResult(Remove(e => e.Value.At < before));

    private int Remove(Func<KeyValuePair<string, Entry>, bool> match)
    {
        lock (_gate)
        {
            var removed = 0;
            foreach (var entry in _responses.Where(match).ToList())
            {
                if (_responses.TryRemove(entry.Key, out var gone))
                {
                    _bytes -= gone.Json.Bytes;
                    removed++;
                }
            }
            return removed;
        }
    }

    private static bool Owns(Entry entry, string owner) => string.Equals(entry.Owner, owner, StringComparison.OrdinalIgnoreCase);
}
