using System.Diagnostics;
using Confluent.Kafka;

namespace Parley.Kafka;

/// <summary>Offsets and partitions: committing what is answered, draining on shutdown, and rebalances.</summary>
internal sealed partial class KafkaWorker
{
    private void Commit(IConsumer<byte[], byte[]> consumer, HashSet<TopicPartition>? only)
    {
        var offsets = new List<(TopicPartitionOffset Offset, PartitionProgress Progress)>();
        lock (_gate)
        {
            foreach (var (partition, progress) in _progress)
            {
                if ((only is null || only.Contains(partition)) && progress.Committable() is { } offset)
                    offsets.Add((new TopicPartitionOffset(partition, offset), progress));
            }
        }
        if (offsets.Count == 0)
            return;
        try
        {
            consumer.Commit(offsets.Select(o => o.Offset));
            lock (_gate)
            {
                foreach (var (offset, progress) in offsets)
                    progress.Committed(offset.Offset.Value);
            }
        }
        catch (KafkaException ex)
        {
            LogCommitFailed(logger, ex.Error.Code, ex.Error.Reason);
        }
    }

    /// <summary>Waits (bounded) until every started request has finished or been handed back; then cancels the rest.</summary>
    private void Drain(TimeSpan timeout)
    {
        Task[] pending;
        lock (_gate)
            pending = [.. _active];
        if (pending.Length == 0)
            return;
        LogDraining(logger, pending.Length, timeout.TotalSeconds);
        if (!Task.WhenAll(pending).Wait(timeout))
        {
            _abort.Cancel();
            Task.WhenAll(pending).Wait(TimeSpan.FromSeconds(5));
        }
    }

    private void OnAssigned(List<TopicPartition> partitions)
    {
        lock (_gate)
        {
            foreach (var partition in partitions)
                _progress[partition] = new PartitionProgress();
        }
        status.AssignedPartitions = partitions.Count;
        LogAssigned(logger, partitions);
    }

    /// <summary>Before partitions move to another worker: finish their in-flight requests (bounded) and commit them.</summary>
    private void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions, KafkaOptions settings)
    {
        var revoked = partitions.Select(p => p.TopicPartition).ToHashSet();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed.TotalSeconds < settings.ShutdownTimeoutSeconds && PendingIn(revoked) > 0)
            Thread.Sleep(20);
        Commit(consumer, revoked);
        lock (_gate)
        {
            foreach (var partition in revoked)
                _progress.Remove(partition);
        }
        status.AssignedPartitions = 0;
        LogRevoked(logger, revoked);
    }

    private void OnLost(List<TopicPartitionOffset> partitions)
    {
        lock (_gate)
        {
            foreach (var partition in partitions)
                _progress.Remove(partition.TopicPartition);
        }
        status.AssignedPartitions = 0;
        LogLost(logger, partitions.Count);
    }

    private int PendingIn(HashSet<TopicPartition> partitions)
    {
        lock (_gate)
            return _progress.Where(p => partitions.Contains(p.Key)).Sum(p => p.Value.Pending);
    }
}
