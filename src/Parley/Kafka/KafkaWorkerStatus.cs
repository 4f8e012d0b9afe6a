using System.Text.Json;

namespace Parley.Kafka;

/// <summary>What the worker last knew about its connection, assignment and lag; read by the health check and metrics.</summary>
internal sealed class KafkaWorkerStatus
{
    private int _inFlight;

    public bool Running { get; set; }

    /// <summary>Null until librdkafka's first statistics report.</summary>
    public bool? Connected { get; private set; }

    /// <summary>Sum of the assigned partitions' consumer lag; null while unknown.</summary>
    public long? Lag { get; private set; }

    public int AssignedPartitions { get; set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public string? LastError { get; set; }

    /// <summary>Set when the worker stopped because of a failure it cannot recover from.</summary>
    public string? Fatal { get; set; }

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Finished() => Interlocked.Decrement(ref _inFlight);

    public void Disconnected(string reason)
    {
        Connected = false;
        LastError = reason;
    }

    /// <summary>Reads librdkafka's statistics JSON: broker states and each partition's <c>consumer_lag</c> for <paramref name="topic"/>.</summary>
    public void ReadStatistics(string json, string topic)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("brokers", out var brokers))
        {
            var up = false;
            foreach (var broker in brokers.EnumerateObject())
            {
                if (broker.Value.TryGetProperty("nodeid", out var id) && id.GetInt32() >= 0
                    && broker.Value.TryGetProperty("state", out var state) && state.GetString() == "UP")
                    up = true;
            }
            Connected = up;
        }

        long? lag = null;
        if (root.TryGetProperty("topics", out var topics) && topics.TryGetProperty(topic, out var stats) && stats.TryGetProperty("partitions", out var partitions))
        {
            foreach (var partition in partitions.EnumerateObject())
            {
                if (partition.Name != "-1" && PartitionLag(partition.Value) is { } value)
                    lag = (lag ?? 0) + value;
            }
        }
        Lag = lag ?? (AssignedPartitions == 0 ? 0 : null);
    }

    /// <summary>
    /// An assigned partition's lag: librdkafka's <c>consumer_lag</c>, or, before anything was consumed or committed
    /// (when it reports -1), the messages between the starting point and the high watermark.
    /// </summary>
    private static long? PartitionLag(JsonElement partition)
    {
        if (!partition.TryGetProperty("desired", out var desired) || desired.ValueKind != JsonValueKind.True)
            return null;
        if (partition.TryGetProperty("consumer_lag", out var reported) && reported.GetInt64() >= 0)
            return reported.GetInt64();
        if (!partition.TryGetProperty("hi_offset", out var high) || high.GetInt64() < 0)
            return null;
        var start = partition.TryGetProperty("committed_offset", out var committed) && committed.GetInt64() >= 0 ? committed.GetInt64()
            : partition.TryGetProperty("lo_offset", out var low) && low.GetInt64() >= 0 ? low.GetInt64() : 0;
        return Math.Max(0, high.GetInt64() - start);
    }
}
