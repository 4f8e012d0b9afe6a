namespace Parley.Kafka;

/// <summary>
/// One assigned partition's bookkeeping for at-least-once delivery: which consumed offsets are still being
/// answered, and so which offset may be committed (everything before the oldest unfinished one).
/// Not thread-safe; the worker locks around it.
/// </summary>
internal sealed class PartitionProgress
{
    private readonly SortedSet<long> _pending = [];
    private long _next = -1;
    private long _committed = -1;

    public int Pending => _pending.Count;

    public void Started(long offset)
    {
        _pending.Add(offset);
        _next = Math.Max(_next, offset + 1);
    }

    public void Finished(long offset) => _pending.Remove(offset);

    /// <summary>The offset to commit now (the next one to read after a restart), or null when nothing new is safe to commit.</summary>
    public long? Committable()
    {
        var safe = _pending.Count > 0 ? _pending.Min : _next;
        return safe > _committed ? safe : null;
    }

    public void Committed(long offset) => _committed = Math.Max(_committed, offset);
}
