using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Parley.Bench.Load;

/// <summary>One request to send: a POST with a JSON body unless <see cref="Method"/> says otherwise.</summary>
public sealed record BenchRequest(Uri Uri, byte[]? Body, bool Streaming, IReadOnlyList<KeyValuePair<string, string>>? Headers = null, HttpMethod? Method = null);

/// <summary>
/// The load generator: one <see cref="HttpClient"/> over a <see cref="SocketsHttpHandler"/> (HTTP/1.1, no proxy,
/// no decompression), driven either open-loop or closed-loop. Open loop: a fixed request rate, requests started on
/// schedule (in batches every ~1 ms) whether or not earlier ones finished, so a stalled server still shows its queue;
/// latency runs from the moment a request is handed to HttpClient, so the scheduler's own lag on a busy machine is not
/// counted. Closed loop: a fixed number of workers, each sending its next request when the last one finished.
/// Every run is bounded by a duration and a request count.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private const int MaxSamples = 2_000_000;
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] DoneMarker = "[DONE]"u8.ToArray();
    private static readonly byte[] ErrorTypeMarker = "\"type\":\"error\""u8.ToArray();
    private static readonly byte[] ErrorObjectMarker = "{\"error\":"u8.ToArray();

    public LoadGenerator(int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        };
        Client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>Fixed concurrency: <paramref name="concurrency"/> workers, each with its own requests (<c>next(worker, sequence)</c>).</summary>
    public async Task<LoadResult> ClosedLoopAsync(string target, Func<int, long, BenchRequest> next, int concurrency, TimeSpan duration, long maxRequests)
    {
        var recorder = new Recorder((int)Math.Min(maxRequests, MaxSamples));
        using var cancel = new CancellationTokenSource(duration + TimeSpan.FromSeconds(30));
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            long sequence;
            while (Stopwatch.GetTimestamp() < end && (sequence = Interlocked.Increment(ref issued)) <= maxRequests && !cancel.IsCancellationRequested)
                await SendAsync(next(worker, sequence), buffer, Stopwatch.GetTimestamp(), recorder, cancel.Token);
        })).ToList();
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return recorder.ToResult(target, "closed", seconds, null, concurrency);
    }

    /// <summary>Fixed rate: requests start on schedule whether or not earlier ones finished (at most <paramref name="maxInFlight"/> at once).</summary>
    public async Task<LoadResult> OpenLoopAsync(string target, Func<long, BenchRequest> next, double rps, TimeSpan duration, int maxInFlight)
    {
        var total = (long)(rps * duration.TotalSeconds);
        var recorder = new Recorder((int)Math.Min(total, MaxSamples));
        using var cancel = new CancellationTokenSource(duration + TimeSpan.FromSeconds(30));
        var inFlight = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)((duration.TotalSeconds + 1) * Stopwatch.Frequency);
        long issued = 0;
        while (issued < total && Stopwatch.GetTimestamp() < deadline)
        {
            var due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rps) + 1);
            for (; issued < due; issued++)
            {
                if (Volatile.Read(ref inFlight) >= maxInFlight)
                {
                    recorder.Drop();
                    continue;
                }

                Interlocked.Increment(ref inFlight);
                _ = FireAsync(next(issued));
            }
            await Task.Delay(1);
        }

        var sent = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var drainUntil = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (Volatile.Read(ref inFlight) > 0 && Stopwatch.GetTimestamp() < drainUntil)
            await Task.Delay(5);
        return recorder.ToResult(target, "open", Math.Max(sent, duration.TotalSeconds), rps, maxInFlight);

        async Task FireAsync(BenchRequest request)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                await SendAsync(request, buffer, Stopwatch.GetTimestamp(), recorder, cancel.Token);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                Interlocked.Decrement(ref inFlight);
            }
        }
    }

    public static HttpRequestMessage ToMessage(BenchRequest request)
    {
        var message = new HttpRequestMessage(request.Method ?? HttpMethod.Post, request.Uri);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = Json;
        }
        foreach (var (name, value) in request.Headers ?? [])
            message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    private async Task SendAsync(BenchRequest request, byte[] buffer, long start, Recorder recorder, CancellationToken cancellationToken)
    {
        try
        {
            using var message = ToMessage(request);
            using var response = await Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            long firstByte = -1, bytes = 0;
            var sawDone = false;
            var sawError = false;
            string? head = null;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (firstByte < 0)
                {
                    firstByte = Stopwatch.GetTimestamp() - start;
                    if (!response.IsSuccessStatusCode)
                        head = Encoding.UTF8.GetString(buffer, 0, Math.Min(read, 300));
                }
                bytes += read;
                if (request.Streaming)
                {
                    var span = buffer.AsSpan(0, read);
                    sawDone |= span.IndexOf(DoneMarker) >= 0;
                    sawError |= span.IndexOf(ErrorTypeMarker) >= 0 || span.IndexOf(ErrorObjectMarker) >= 0;
                }
            }

            var latency = Stopwatch.GetTimestamp() - start;
            if (!response.IsSuccessStatusCode)
                recorder.Error($"HTTP {(int)response.StatusCode}: {head}");
            else if (request.Streaming && sawError)
                recorder.Error("the stream carried an error event");
            else if (request.Streaming && !sawDone)
                recorder.Error("the stream ended without [DONE]");
            else if (bytes == 0)
                recorder.Error("empty response body");
            else
                recorder.Ok(latency, request.Streaming ? firstByte : -1, bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            recorder.Error($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    public void Dispose() => Client.Dispose();
}
