using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Parley.Replies;

/// <summary>
/// This instance's reply logs: each a bounded list of events with a signal that wakes readers when one is added.
/// Finished logs are kept <see cref="ReplyOptions.KeepFinishedSeconds"/>, and at most <see cref="ReplyOptions.MaxLogsInMemory"/>
/// logs are kept in all (the oldest finished ones go first).
/// </summary>
internal sealed class MemoryReplyLog(IOptions<ReplyOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<ReplyKey, Buffer> _logs = new();

    public int Count => _logs.Count;

    public void Open(ReplyKey key)
    {
        Evict();
        _logs[key] = new Buffer(options.Value.MaxEventsPerReply);
    }

    public bool Contains(ReplyKey key) => _logs.ContainsKey(key);

    /// <summary>Adds an event (null data ends the log) and returns its id.</summary>
    public long Append(ReplyKey key, string? data)
    {
        var buffer = _logs.GetOrAdd(key, _ => new Buffer(options.Value.MaxEventsPerReply));
        return buffer.Append(data, time.GetUtcNow());
    }

    public ReplyLogState? State(ReplyKey key) => _logs.TryGetValue(key, out var buffer) ? buffer.State : null;

    /// <summary>The events after <paramref name="after"/> and a task that completes when more arrive; null when the log is unknown.</summary>
    public (IReadOnlyList<ReplyLogEntry> Entries, Task Changed)? Read(ReplyKey key, long after) =>
        _logs.TryGetValue(key, out var buffer) ? buffer.Read(after) : null;

    private void Evict()
    {
        var now = time.GetUtcNow();
        var keep = TimeSpan.FromSeconds(options.Value.KeepFinishedSeconds);
        foreach (var (key, buffer) in _logs)
        {
            if (buffer.EndedAt is { } ended && now - ended > keep)
                _logs.TryRemove(key, out _);
        }
        var excess = _logs.Count + 1 - options.Value.MaxLogsInMemory;
        if (excess <= 0)
            return;
        foreach (var (key, _) in _logs.Where(l => l.Value.EndedAt is not null).OrderBy(l => l.Value.EndedAt).Take(excess).ToList())
            _logs.TryRemove(key, out _);
    }

    private sealed class Buffer(int capacity)
    {
        private readonly Lock _gate = new();
        private readonly Queue<string?> _items = new();
        private long _firstId = 1;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset? EndedAt { get; private set; }

        public ReplyLogState State
        {
            get
            {
                lock (_gate)
                    return new ReplyLogState(_firstId, _firstId + _items.Count - 1, EndedAt is not null);
            }
        }

        public long Append(string? data, DateTimeOffset now)
        {
            TaskCompletionSource changed;
            long id;
            lock (_gate)
            {
                if (EndedAt is not null)
                    return _firstId + _items.Count - 1;
                _items.Enqueue(data);
                id = _firstId + _items.Count - 1;
                if (_items.Count > capacity)
                {
                    _items.Dequeue();
                    _firstId++;
                }
                if (data is null)
                    EndedAt = now;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            changed.TrySetResult();
            return id;
        }

        public (IReadOnlyList<ReplyLogEntry>, Task) Read(long after)
        {
            lock (_gate)
            {
                var skip = Math.Max(0, after + 1 - _firstId);
                var entries = _items.Skip((int)Math.Min(skip, int.MaxValue))
                    .Select((data, i) => new ReplyLogEntry(_firstId + skip + i, data)).ToList();
                return (entries, _changed.Task);
            }
        }
    }
}
