namespace Parley.Kafka;

/// <summary>
/// The order a batch is started in: highest <c>priority</c> first, earlier first among equals, and never a request
/// before an earlier one with the same key (per-key order holds even when a later request has the higher priority:
/// it waits its turn, then competes with its own priority).
/// </summary>
internal static class BatchOrder
{
    /// <param name="requests">The batch in consumption order: each request's key (null: unordered) and priority.</param>
    /// <returns>Indexes into <paramref name="requests"/>, in the order to start them.</returns>
    public static int[] Of(IReadOnlyList<(string? Key, int Priority)> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        // Each key's requests wait in a queue; only a queue's head may start.
        var queues = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        var ready = new PriorityQueue<int, (int NegativePriority, int Index)>();
        for (var i = 0; i < requests.Count; i++)
        {
            var (key, priority) = requests[i];
            if (key is null)
            {
                ready.Enqueue(i, (-priority, i));
                continue;
            }
            if (queues.TryGetValue(key, out var queue))
            {
                queue.Enqueue(i);
                continue;
            }
            queues[key] = new Queue<int>();
            ready.Enqueue(i, (-priority, i));
        }

        var order = new int[requests.Count];
        var next = 0;
        while (ready.TryDequeue(out var index, out _))
        {
            order[next++] = index;
            if (requests[index].Key is { } key && queues[key].TryDequeue(out var following))
                ready.Enqueue(following, (-requests[following].Priority, following));
        }
        return order;
    }
}
