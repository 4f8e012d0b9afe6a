using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Observability;

namespace Parley.Usage;

/// <summary>
/// Queues usage records for <see cref="UsageWriter"/> without ever blocking the call: a bounded channel that drops the
/// oldest record when full (counted in <c>parley.usage.dropped</c> and logged). As an <see cref="ICallMeter"/> it
/// records every call the chat pipeline measured; the embeddings API records through the same method.
/// </summary>
public sealed partial class UsageRecorder : ICallMeter
{
    private readonly Channel<UsageRecord> _queue;
    private readonly UsageOptions _options;
    private readonly ParleyMetrics _metrics;
    private readonly ILogger<UsageRecorder> _logger;
    private long _pending;
    private long _dropped;

    public UsageRecorder(IOptions<UsageOptions> options, ParleyMetrics metrics, ILogger<UsageRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<UsageRecord>(
            new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            Dropped);
    }

    public bool Enabled => _options.Enabled;

    internal ChannelReader<UsageRecord> Reader => _queue.Reader;

    /// <summary>Queues one call of <paramref name="requestedModel"/> for <paramref name="caller"/>, pricing it first; cached replies cost nothing.</summary>
    /// <param name="outcome"><c>ok</c>, <c>cancelled</c> or the error code.</param>
    public void Record(Caller caller, string requestedModel, string answeringModel, UsageDetails usage, bool cached,
        DateTimeOffset at, double latencyMs, double? timeToFirstTokenMs, string outcome)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(usage);
        if (!_options.Enabled)
            return;
        var record = new UsageRecord(at, caller.Owner, caller.KeyId, caller.Surface, requestedModel, answeringModel,
            usage.Input(), usage.Output(), usage.Total(), cached, latencyMs, timeToFirstTokenMs, outcome, Cost: null);
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(record with { Cost = record.Cached ? 0 : Price(record) }))
            Interlocked.Decrement(ref _pending);
    }

    void ICallMeter.Started(CallMeasurement measured)
    {
    }

    ValueTask ICallMeter.FinishedAsync(CallMeasurement measured)
    {
        ArgumentNullException.ThrowIfNull(measured);
        Record(measured.Caller, measured.Model.Id, measured.AnsweredBy, measured.Usage, measured.Cached, measured.At, measured.DurationMs, measured.FirstTokenMs, measured.Outcome);
        return ValueTask.CompletedTask;
    }

    /// <summary>The estimated cost in USD, or null when the answering model has no price.</summary>
    public double? Price(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_options.Prices.TryGetValue(record.AnsweringModel, out var price) || price is null)
            return null;
        return (double)((record.PromptTokens * price.InputPerMillion + record.CompletionTokens * price.OutputPerMillion) / 1_000_000m);
    }

    /// <summary>Waits until every record queued so far was written (or dropped), at most <paramref name="timeout"/>.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _pending) > 0)
        {
            if (DateTime.UtcNow >= deadline)
                return false;
            await Task.Delay(10, cancellationToken);
        }
        return true;
    }

    internal void Written(int count) => Interlocked.Add(ref _pending, -count);

    private void Dropped(UsageRecord record)
    {
        Interlocked.Decrement(ref _pending);
        _metrics.UsageDropped.Add(1);
        var dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 1000 == 0)
            LogDropped(_logger, dropped, _options.QueueCapacity);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The usage queue is full ({Capacity} records): the oldest records are being dropped, {Dropped} so far. Raise Parley:Usage:QueueCapacity or check the store.")]
    private static partial void LogDropped(ILogger logger, long dropped, int capacity);
}
