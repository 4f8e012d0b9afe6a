using System.Diagnostics;

namespace Parley.Bench.Load;

/// <summary>Latency percentiles in microseconds.</summary>
public sealed record Percentiles(double P50, double P90, double P99, double Max, double Mean)
{
    public static Percentiles? Of(long[] ticks, int count)
    {
        if (count == 0)
            return null;
        Array.Sort(ticks, 0, count);
        var sorted = ticks;
        static double Us(long t) => t * 1_000_000.0 / Stopwatch.Frequency;
        double At(double q) => Us(sorted[Math.Min(count - 1, Math.Max(0, (int)Math.Ceiling(q * count) - 1))]);
        double sum = 0;
        for (var i = 0; i < count; i++)
            sum += sorted[i];
        return new Percentiles(At(0.50), At(0.90), At(0.99), Us(sorted[count - 1]), Us((long)(sum / count)));
    }
}

/// <summary>What one load run saw.</summary>
public sealed record LoadResult
{
    public required string Target { get; init; }

    /// <summary><c>open</c> (fixed rate) or <c>closed</c> (fixed concurrency).</summary>
    public required string Loop { get; init; }

    public double? TargetRps { get; init; }

    public int Concurrency { get; init; }

    public long Requests { get; init; }

    public long Errors { get; init; }

    /// <summary>Open loop only: requests not sent because too many were already in flight (the target fell behind).</summary>
    public long Dropped { get; init; }

    public double Seconds { get; init; }

    /// <summary>Successful requests per second.</summary>
    public double Rps => Seconds > 0 ? (Requests - Errors) / Seconds : 0;

    public long BytesRead { get; init; }

    public Percentiles? Latency { get; init; }

    /// <summary>Time to the first byte of the response body (streams).</summary>
    public Percentiles? FirstByte { get; init; }

    public string? FirstError { get; init; }
}

/// <summary>Collects per-request samples from many tasks without locks; bounded by its capacity.</summary>
internal sealed class Recorder(int capacity)
{
    private readonly long[] _latency = new long[capacity];
    private readonly long[] _firstByte = new long[capacity];
    private int _count;
    private int _firstByteCount;
    private long _requests;
    private long _errors;
    private long _dropped;
    private long _bytes;
    private string? _firstError;

    public long Requests => Interlocked.Read(ref _requests);

    public void Ok(long latencyTicks, long firstByteTicks, long bytes)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, bytes);
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < _latency.Length)
            _latency[i] = latencyTicks;
        if (firstByteTicks >= 0)
        {
            var j = Interlocked.Increment(ref _firstByteCount) - 1;
            if (j < _firstByte.Length)
                _firstByte[j] = firstByteTicks;
        }
    }

    public void Error(string message)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, message, null);
    }

    public void Drop() => Interlocked.Increment(ref _dropped);

    public LoadResult ToResult(string target, string loop, double seconds, double? rps, int concurrency) => new()
    {
        Target = target,
        Loop = loop,
        TargetRps = rps,
        Concurrency = concurrency,
        Requests = _requests,
        Errors = _errors,
        Dropped = _dropped,
        Seconds = seconds,
        BytesRead = _bytes,
        Latency = Percentiles.Of(_latency, Math.Min(_count, _latency.Length)),
        FirstByte = Percentiles.Of(_firstByte, Math.Min(_firstByteCount, _firstByte.Length)),
        FirstError = _firstError,
    };
}
