using System.Diagnostics;
using Parley.Bench.Load;
using Parley.Bench.Processes;
using Parley.Bench.Reporting;

namespace Parley.Bench.Scenarios;

public sealed partial class Suite
{
    /// <summary>
    /// Opens N streams through a fresh Parley (the upstream sends its first token at once, then one every 2 s),
    /// waits until every stream has its first bytes, and compares Parley's RSS with the RSS before.
    /// </summary>
    private async Task IdleStreamsAsync(ScenarioResult scenario, bool workstationGc)
    {
        var streams = options.IdleStreams;
        // Each stream holds two sockets here (client, upstream) and two in Parley.
        var limit = FileLimits.Raise(65_536);
        if (limit > 0 && streams * 2 + 1_000 > limit)
        {
            streams = (int)((limit - 1_000) / 2);
            scenario.Notes.Add($"open files are limited to {limit}: {streams:N0} streams instead of {options.IdleStreams:N0}");
        }

        // Parley.Server runs with server GC (the Web SDK default); the diagnostic variant shows what the GC mode adds.
        var environment = workstationGc ? new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" } : null;
        await using var parley = await Gateways.StartParleyAsync(_serverDll, _upstream, Profiles, extraEnvironment: environment);
        using var load = new LoadGenerator(maxConnections: streams + 64);
        var request = Target.ToParley(parley.Address).Chat(Idle.Name, stream: true);
        var quick = Target.ToParley(parley.Address).Chat(Stream50.Name, stream: true);

        // Warm up the code paths (JIT, pools) so the baseline is not a cold process.
        await load.ClosedLoopAsync(Target.Parley, (_, _) => quick, 16, options.Warmup, MaxRequests);
        await CloseStreamsAsync(await OpenStreamsAsync(load, request, Math.Min(100, streams), scenario, record: false));
        await Task.Delay(1_000);
        var baseline = await SampleRssAsync(parley, 3);
        var threadsBefore = Threads(parley.Pid);

        var started = Stopwatch.GetTimestamp();
        var upstreamBefore = _upstream.Requests;
        var opened = await OpenStreamsAsync(load, request, streams, scenario, record: true);
        scenario.Metrics["upstream_requests"] = _upstream.Requests - upstreamBefore;
        scenario.Metrics["open_seconds"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.Delay(1_000);
        var held = await SampleRssAsync(parley, 3);
        scenario.Metrics["streams_requested"] = streams;
        scenario.Metrics["streams_open"] = opened.Count;
        scenario.Metrics["parley_rss_before_mb"] = baseline / 1024.0;
        scenario.Metrics["parley_rss_with_streams_mb"] = held / 1024.0;
        scenario.Metrics["parley_threads_before"] = threadsBefore;
        scenario.Metrics["parley_threads_with_streams"] = Threads(parley.Pid);
        if (opened.Count > 0)
            scenario.Metrics["rss_per_stream_kb"] = (held - baseline) / (double)opened.Count;
        if (opened.Count < streams)
        {
            scenario.Status = "failed";
            scenario.Notes.Add($"only {opened.Count:N0} of {streams:N0} streams opened");
        }

        await CloseStreamsAsync(opened);
        await Task.Delay(options.Smoke ? 500 : 2_000);
        scenario.Metrics["parley_rss_after_close_mb"] = parley.RssKb() / 1024.0;
    }

    private sealed record OpenStream(HttpResponseMessage Response, Stream Body, CancellationTokenSource Cancel, Task Reading);

    /// <summary>Opens streams 256 at a time; each is read in the background until it is closed.</summary>
    private static async Task<List<OpenStream>> OpenStreamsAsync(LoadGenerator load, BenchRequest request, int count, ScenarioResult scenario, bool record)
    {
        var opened = new List<OpenStream>(count);
        using var gate = new SemaphoreSlim(256);
        var failures = 0;
        string? firstFailure = null;
        var firstBytes = new long[count];
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                var start = Stopwatch.GetTimestamp();
                var message = LoadGenerator.ToMessage(request);
                var response = await load.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadAsStreamAsync(cancel.Token);
                var buffer = new byte[1024];
                if (await body.ReadAsync(buffer, cancel.Token) == 0)
                    throw new IOException("the stream ended before its first event");
                firstBytes[i] = Stopwatch.GetTimestamp() - start;
                var reading = DrainAsync(body, buffer, cancel.Token);
                lock (opened)
                    opened.Add(new OpenStream(response, body, cancel, reading));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                cancel.Dispose();
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstFailure, ex.Message, null);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var all = Task.WhenAll(tasks);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(2)));
        if (record)
        {
            var sorted = firstBytes.Where(t => t > 0).ToArray();
            var p = Percentiles.Of(sorted, sorted.Length);
            if (p is not null)
            {
                scenario.Metrics["open_first_byte_p50_ms"] = p.P50 / 1000;
                scenario.Metrics["open_first_byte_p99_ms"] = p.P99 / 1000;
            }
            if (failures > 0)
                scenario.Notes.Add($"{failures} streams failed to open, first: {firstFailure}");
        }
        else if (failures > 0)
        {
            throw new InvalidOperationException($"warm-up streams failed: {firstFailure}");
        }
        return opened;

        static async Task DrainAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
        {
            try
            {
                while (await body.ReadAsync(buffer, cancellationToken) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
            {
            }
        }
    }

    private static async Task CloseStreamsAsync(List<OpenStream> streams)
    {
        foreach (var stream in streams)
            await stream.Cancel.CancelAsync();
        await Task.WhenAny(Task.WhenAll(streams.Select(s => s.Reading)), Task.Delay(TimeSpan.FromSeconds(30)));
        foreach (var stream in streams)
        {
            await stream.Body.DisposeAsync();
            stream.Response.Dispose();
            stream.Cancel.Dispose();
        }
    }

    private static async Task<long> SampleRssAsync(ChildProcess process, int samples)
    {
        long sum = 0;
        for (var i = 0; i < samples; i++)
        {
            if (i > 0)
                await Task.Delay(300);
            sum += process.RssKb();
        }
        return sum / samples;
    }

    private static int Threads(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Threads:", StringComparison.Ordinal));
        return line is null ? 0 : int.Parse(line.AsSpan(8).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Moderate open-loop load on a fresh Parley (alternating non-streaming and streaming requests) with Parley's RSS
    /// sampled every second; reports the slope (least squares) over the whole run and over its second half.
    /// </summary>
    private async Task SoakAsync(ScenarioResult scenario)
    {
        await using var parley = await Gateways.StartParleyAsync(_serverDll, _upstream, Profiles);
        var target = Target.ToParley(parley.Address);
        var nonStreaming = target.Chat(Fast.Name, stream: false);
        var streaming = target.Chat(Stream50.Name, stream: true);
        await _load.ClosedLoopAsync(Target.Parley, (_, s) => s % 2 == 0 ? nonStreaming : streaming, 8, options.Warmup, MaxRequests);

        var samples = new List<(double Seconds, long Kb)>();
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            samples.Add((0, parley.RssKb()));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                    samples.Add((Stopwatch.GetElapsedTime(started).TotalSeconds, parley.RssKb()));
            }
            catch (OperationCanceledException)
            {
            }
        });
        var cpuBefore = parley.CpuSeconds();
        var run = await _load.OpenLoopAsync(Target.Parley, s => s % 2 == 0 ? nonStreaming : streaming, options.SoakRps, options.Soak, maxInFlight: 512);
        await stop.CancelAsync();
        await sampler;
        scenario.Runs.Add(run);
        scenario.Metrics["parley_cpu_s"] = parley.CpuSeconds() - cpuBefore;
        scenario.Metrics["samples"] = samples.Count;
        scenario.Metrics["rss_start_mb"] = samples[0].Kb / 1024.0;
        scenario.Metrics["rss_end_mb"] = samples[^1].Kb / 1024.0;
        scenario.Metrics["rss_max_mb"] = samples.Max(s => s.Kb) / 1024.0;
        scenario.Metrics["rss_slope_kb_per_min"] = Slope(samples) * 60;
        scenario.Metrics["rss_slope_second_half_kb_per_min"] = Slope(samples.Skip(samples.Count / 2).ToList()) * 60;
        report.SoakSamples = samples.Select(s => new[] { Math.Round(s.Seconds, 2), s.Kb }).ToList();
        if (options.Soak < TimeSpan.FromMinutes(2))
            scenario.Notes.Add("a short soak: the slope mostly shows warm-up; run --soak 10 for the real figure");
    }

    /// <summary>Least-squares slope in KiB per second.</summary>
    private static double Slope(List<(double Seconds, long Kb)> samples)
    {
        if (samples.Count < 2)
            return 0;
        var meanX = samples.Average(s => s.Seconds);
        var meanY = samples.Average(s => (double)s.Kb);
        var num = samples.Sum(s => (s.Seconds - meanX) * (s.Kb - meanY));
        var den = samples.Sum(s => (s.Seconds - meanX) * (s.Seconds - meanX));
        return den == 0 ? 0 : num / den;
    }
}
