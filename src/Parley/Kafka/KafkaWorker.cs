using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Kafka;

/// <summary>
/// Seed 001's service: consumes requests from the request topic, answers each on the response topic with the
/// same key, and commits a partition's offset only up to the oldest request whose response (and dead-letter copy)
/// the broker has not yet acknowledged — at-least-once, so a crash repeats work but never loses it.
/// Requests are taken in batches (<see cref="KafkaOptions.BatchSize"/>) and started highest <c>priority</c> first, up to
/// <see cref="KafkaOptions.MaxConcurrency"/> at once; requests with the same key run in order; identical requests in a
/// batch share one model call.
/// Shutdown stops consuming, lets in-flight requests finish for <see cref="KafkaOptions.ShutdownTimeoutSeconds"/>,
/// hands the rest back uncommitted, commits, and leaves the group.
/// </summary>
internal sealed partial class KafkaWorker(
    IOptions<KafkaOptions> options,
    KafkaRequestHandler handler,
    KafkaWorkerStatus status,
    KafkaMetrics metrics,
    ILogger<KafkaWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicPartition, PartitionProgress> _progress = [];
    private readonly Dictionary<string, Task> _keyTails = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _active = [];
    private readonly CancellationTokenSource _abort = new();
    private IProducer<byte[], byte[]>? _producer;
    private SemaphoreSlim? _slots;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return Task.CompletedTask;
        // Consume() blocks, so the loop gets its own thread; requests are answered on the thread pool.
        return Task.Factory.StartNew(() => Run(settings, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _slots?.Dispose();
        base.Dispose();
    }

    private void Run(KafkaOptions settings, CancellationToken stoppingToken)
    {
        _slots = new SemaphoreSlim(settings.MaxConcurrency);
        try
        {
            using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfig.Producer(settings))
                .SetErrorHandler((_, error) => OnError("producer", error))
                .SetLogHandler((_, message) => OnLog(message))
                .Build();
            _producer = producer;
            using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfig.Consumer(settings))
                .SetErrorHandler((_, error) => OnError("consumer", error))
                .SetLogHandler((_, message) => OnLog(message))
                .SetStatisticsHandler((_, json) => OnStatistics(json, settings.RequestTopic))
                .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
                .SetPartitionsRevokedHandler((c, partitions) => OnRevoked(c, partitions, settings))
                .SetPartitionsLostHandler((_, partitions) => OnLost(partitions))
                .Build();
            consumer.Subscribe(settings.RequestTopic);
            status.Running = true;
            LogStarted(logger, settings.ConsumerGroup, settings.RequestTopic, settings.ResponseTopic, settings.BootstrapServers!);
            try
            {
                ConsumeLoop(consumer, settings, stoppingToken);
            }
            finally
            {
                Drain(TimeSpan.FromSeconds(settings.ShutdownTimeoutSeconds));
                Commit(consumer, only: null);
                try
                {
                    consumer.Close();
                }
                catch (KafkaException ex)
                {
                    LogCloseFailed(logger, ex);
                }
                producer.Flush(TimeSpan.FromSeconds(5));
                LogStopped(logger, settings.ConsumerGroup);
            }
        }
        catch (DllNotFoundException ex)
        {
            status.Fatal = "librdkafka could not be loaded: the librdkafka.redist package ships it for linux-x64, linux-arm64, osx and win; on another platform install librdkafka.";
            LogFatal(logger, ex);
        }
        catch (Exception ex) when (ex is KafkaException or InvalidOperationException or ArgumentException)
        {
            status.Fatal = ex.Message;
            LogFatal(logger, ex);
        }
        finally
        {
            status.Running = false;
            status.AssignedPartitions = 0;
        }
    }

    private void ConsumeLoop(IConsumer<byte[], byte[]> consumer, KafkaOptions settings, CancellationToken stoppingToken)
    {
        var commitEvery = TimeSpan.FromMilliseconds(settings.CommitIntervalMs);
        var lastCommit = Stopwatch.StartNew();
        while (!stoppingToken.IsCancellationRequested && status.Fatal is null)
        {
            if (lastCommit.Elapsed >= commitEvery)
            {
                Commit(consumer, only: null);
                lastCommit.Restart();
            }

            var batch = CollectBatch(consumer, settings);
            if (batch.Count == 0)
                continue;
            var shared = new Dictionary<string, Task<KafkaOutcome>>(StringComparer.Ordinal);
            foreach (var index in BatchOrder.Of([.. batch.Select(r => (KeyId(r), KafkaRequest.PeekPriority(r.Message.Value)))]))
            {
                while (!_slots!.Wait(PollInterval, CancellationToken.None))
                {
                    // All slots busy: keep committing what finishes. The rest of the batch is dispatched as slots free,
                    // or (on shutdown) never, so its offsets stay uncommitted and it is read again.
                    if (stoppingToken.IsCancellationRequested)
                        return;
                    if (lastCommit.Elapsed >= commitEvery)
                    {
                        Commit(consumer, only: null);
                        lastCommit.Restart();
                    }
                }
                Dispatch(batch[index], shared, settings);
            }
        }
    }

    /// <summary>
    /// Up to <see cref="KafkaOptions.BatchSize"/> requests: the first within the poll interval, more for up to
    /// <see cref="KafkaOptions.BatchWaitMs"/>. Each is marked as started in its partition at once, so no offset is
    /// committed past a request of the batch that is not yet answered.
    /// </summary>
    private List<ConsumeResult<byte[], byte[]>> CollectBatch(IConsumer<byte[], byte[]> consumer, KafkaOptions settings)
    {
        var batch = new List<ConsumeResult<byte[], byte[]>>();
        var wait = PollInterval;
        var clock = Stopwatch.StartNew();
        while (batch.Count < settings.BatchSize)
        {
            ConsumeResult<byte[], byte[]>? result;
            try
            {
                result = consumer.Consume(wait);
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                LogConsumeError(logger, ex.Error.Code, ex.Error.Reason);
                break;
            }
            if (result?.Message is null)
                break;
            batch.Add(result);
            wait = TimeSpan.FromMilliseconds(settings.BatchWaitMs) - clock.Elapsed;
            if (wait <= TimeSpan.Zero)
                wait = TimeSpan.Zero;
            if (wait == TimeSpan.Zero && batch.Count > 1)
                break;
        }

        // A rebalance during the batch may have moved some partitions away: their new owner reads those requests.
        var assigned = consumer.Assignment.ToHashSet();
        batch.RemoveAll(r => !assigned.Contains(r.TopicPartition));
        lock (_gate)
        {
            foreach (var result in batch)
            {
                if (!_progress.TryGetValue(result.TopicPartition, out var progress))
                    _progress[result.TopicPartition] = progress = new PartitionProgress();
                progress.Started(result.Offset.Value);
            }
        }
        return batch;
    }

    private static string? KeyId(ConsumeResult<byte[], byte[]> result) => result.Message.Key is { } key ? Convert.ToBase64String(key) : null;

    private void Dispatch(ConsumeResult<byte[], byte[]> result, Dictionary<string, Task<KafkaOutcome>> shared, KafkaOptions settings)
    {
        PartitionProgress? progress;
        Task previous = Task.CompletedTask;
        var keyId = KeyId(result);
        lock (_gate)
        {
            if (!_progress.TryGetValue(result.TopicPartition, out progress))
            {
                // The partition was revoked since the batch was read; its new owner answers this request.
                _slots!.Release();
                return;
            }
            if (keyId is not null && _keyTails.TryGetValue(keyId, out var tail))
                previous = tail;
        }
        status.Started();
        var task = Task.Run(() => AnswerAfterAsync(previous, result, progress, shared, settings));
        lock (_gate)
        {
            if (keyId is not null)
                _keyTails[keyId] = task;
            _active.Add(task);
        }
        task.ContinueWith(done =>
        {
            lock (_gate)
            {
                _active.Remove(done);
                if (keyId is not null && _keyTails.TryGetValue(keyId, out var tail) && tail == done)
                    _keyTails.Remove(keyId);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// The answer to a request, shared with identical requests of the same batch (same value, same signature): the first
    /// of them to start calls the model, the others reuse its outcome.
    /// </summary>
    private Task<KafkaOutcome> SharedOutcome(ConsumeResult<byte[], byte[]> result, Dictionary<string, Task<KafkaOutcome>> shared)
    {
        var value = result.Message.Value ?? [];
        var signature = Header(result.Message.Headers, KafkaSignature.Header);
        var identity = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(value)) + "|" + signature;
        lock (_gate)
        {
            if (shared.TryGetValue(identity, out var existing))
            {
                metrics.Deduplicated();
                return existing;
            }
            var outcome = Task.Run(() => handler.HandleAsync(value, signature, _abort.Token));
            shared[identity] = outcome;
            return outcome;
        }
    }

    private static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>Answers one request after the previous request with the same key; never throws.</summary>
    private async Task AnswerAfterAsync(
        Task previous, ConsumeResult<byte[], byte[]> result, PartitionProgress progress, Dictionary<string, Task<KafkaOutcome>> shared, KafkaOptions settings)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await previous.ConfigureAwait(false);
            KafkaOutcome outcome;
            try
            {
                outcome = await SharedOutcome(result, shared).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_abort.IsCancellationRequested)
            {
                LogUnexpected(logger, result.TopicPartitionOffset, ex);
                outcome = new KafkaOutcome(
                    KafkaResponse.Error(Errors.ErrorCodes.Internal, "Something went wrong while answering this request; it was copied to the dead-letter topic.",
                        null, DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(started)),
                    Errors.ErrorCodes.Internal, ex.Message, DeadLetter: true);
            }

            var response = new Message<byte[], byte[]> { Key = result.Message.Key, Value = outcome.Response };
            if (KafkaSignature.Sign(settings, outcome.Response) is { } signature)
                response.Headers = new Headers { { KafkaSignature.Header, Encoding.UTF8.GetBytes(signature) } };
            var deliveries = new List<Task> { ProduceUntilAckedAsync(settings.ResponseTopic, response) };
            if (outcome.DeadLetter)
                deliveries.Add(ProduceUntilAckedAsync(settings.DeadLetterTopic, DeadLetter(result, outcome)));
            await Task.WhenAll(deliveries).ConfigureAwait(false);

            lock (_gate)
                progress.Finished(result.Offset.Value);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (outcome.Failed)
                metrics.Failed(outcome.ErrorCode!, outcome.DeadLetter, elapsed);
            else
                metrics.Answered(elapsed);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            LogHandedBack(logger, result.TopicPartitionOffset);
        }
        catch (Exception ex)
        {
            // Not acknowledged, so not committed: the request is read again after a restart or rebalance.
            LogUnexpected(logger, result.TopicPartitionOffset, ex);
        }
        finally
        {
            status.Finished();
            _slots!.Release();
        }
    }

    /// <summary>Produces until the broker acknowledges; retriable failures wait and try again (the offset waits with them).</summary>
    private async Task ProduceUntilAckedAsync(string topic, Message<byte[], byte[]> message)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _producer!.ProduceAsync(topic, message, _abort.Token).ConfigureAwait(false);
                return;
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.MsgSizeTooLarge && message.Value is { Length: > 0 })
            {
                // A request too large to copy whole still leaves a trace: key and headers, value omitted.
                message = new Message<byte[], byte[]> { Key = message.Key, Value = [], Headers = message.Headers ?? [] };
                message.Headers.Add("parley.value-omitted", Encoding.UTF8.GetBytes("too large to copy"));
            }
            catch (ProduceException<byte[], byte[]> ex) when (!ex.Error.IsFatal)
            {
                LogProduceRetry(logger, topic, ex.Error.Code, ex.Error.Reason, attempt + 1);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(attempt, 6)))), _abort.Token).ConfigureAwait(false);
            }
            catch (ProduceException<byte[], byte[]> ex)
            {
                status.Fatal = $"the producer failed: {ex.Error.Reason}";
                throw;
            }
        }
    }

    private static Message<byte[], byte[]> DeadLetter(ConsumeResult<byte[], byte[]> result, KafkaOutcome outcome)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
            headers.Add(header.Key, header.GetValueBytes());
        headers.Add("parley.error.code", Encoding.UTF8.GetBytes(outcome.ErrorCode ?? ""));
        headers.Add("parley.error.message", Encoding.UTF8.GetBytes(outcome.ErrorMessage ?? ""));
        headers.Add("parley.source.topic", Encoding.UTF8.GetBytes(result.Topic));
        headers.Add("parley.source.partition", Encoding.UTF8.GetBytes(result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        headers.Add("parley.source.offset", Encoding.UTF8.GetBytes(result.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new Message<byte[], byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers };
    }
}
