using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Observability;

namespace Parley.Audit;

/// <summary>
/// The queue in front of <see cref="IAuditStore"/>: a bounded channel that never blocks a request. When it is full new
/// events are dropped (counted and logged); refusals of anonymous callers (refused API keys, failed sign-ins) are capped
/// per minute and the excess summarized in one row per action, so a flood costs neither table rows nor request time.
/// </summary>
public sealed partial class AuditLog : IAuditLog
{
    private readonly Channel<AuditEvent> _queue;
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ParleyMetrics _metrics;
    private readonly ILogger<AuditLog> _logger;
    private readonly Lock _refusalGate = new();
    private long _refusalMinute = -1;
    private int _refusalsThisMinute;
    private readonly Dictionary<string, int> _refusalsSuppressed = new(StringComparer.Ordinal);
    private long _pending;
    private long _dropped;

    public AuditLog(IOptions<AuditOptions> options, TimeProvider time, ParleyMetrics metrics, ILogger<AuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    internal ChannelReader<AuditEvent> Reader => _queue.Reader;

    public void Record(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Enqueue(entry);
    }

    public void RecordRefusal(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        List<KeyValuePair<string, int>> summarize = [];
        bool record;
        lock (_refusalGate)
        {
            var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
            if (minute != _refusalMinute)
            {
                summarize = [.. _refusalsSuppressed];
                _refusalMinute = minute;
                _refusalsThisMinute = 0;
                _refusalsSuppressed.Clear();
            }
            record = _refusalsThisMinute < _options.MaxRefusalsPerMinute;
            if (record)
                _refusalsThisMinute++;
            else
                _refusalsSuppressed[entry.Action] = _refusalsSuppressed.GetValueOrDefault(entry.Action) + 1;
        }
        foreach (var (action, count) in summarize)
        {
            Enqueue(new AuditEntry(AuditActions.Anonymous, action, null, AuditActions.Failure, null,
                $"{count} more {(action == AuditActions.KeyRefused ? "refused API keys" : $"refusals ({action})")} in the previous minute were not recorded one by one (Parley:Audit:MaxRefusalsPerMinute)"));
        }
        if (record)
            Enqueue(entry);
        else
            _metrics.AuditDropped.Add(1);
    }

    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (Interlocked.Read(ref _pending) > 0)
        {
            if (_time.GetTimestamp() >= deadline)
                return false;
            await Task.Delay(10, cancellationToken);
        }
        return true;
    }

    internal void Written(int count) => Interlocked.Add(ref _pending, -count);

    private void Enqueue(AuditEntry entry)
    {
        Interlocked.Increment(ref _pending);
        var e = new AuditEvent(0, _time.GetUtcNow(), entry.Actor, entry.ViaKey, entry.Action, Short(entry.Target, 200), entry.Outcome,
            Short(entry.Address, 64), Short(entry.Detail, 500));
        if (_queue.Writer.TryWrite(e))
            return;
        Interlocked.Decrement(ref _pending);
        _metrics.AuditDropped.Add(1);
        var dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 1000 == 0)
            LogDropped(_logger, dropped, _options.QueueCapacity);
    }

    private static string? Short(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The audit queue is full ({Capacity} events): new events are being dropped, {Dropped} so far. Check the store, or raise Parley:Audit:QueueCapacity.")]
    private static partial void LogDropped(ILogger logger, long dropped, int capacity);
}
