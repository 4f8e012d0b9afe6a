using System.Diagnostics;
using Parley.Bench.Load;
using Parley.Bench.Processes;
using Parley.Bench.Reporting;
using Parley.Bench.Upstream;

namespace Parley.Bench.Scenarios;

/// <summary>
/// Runs the scenarios of issue 9 in one process: the fake upstream and the load generator live here, Parley
/// (and Portkey, when available) run as child processes. Each scenario is measured direct to the upstream and
/// through each gateway in the same run, one target at a time.
/// </summary>
public sealed partial class Suite(BenchOptions options, BenchReport report) : IAsyncDisposable
{
    /// <summary>Non-streaming replies (20 tokens, instant): the /v1 throughput and latency scenarios.</summary>
    public static readonly UpstreamProfile Fast = new("fast", Tokens: 20);

    /// <summary>Streaming replies of 50 tokens, sent at once so the upstream costs as little as possible.</summary>
    public static readonly UpstreamProfile Stream50 = new("stream", Tokens: 50);

    /// <summary>Idle-ish streams: the first token at once, then one every 2 s.</summary>
    public static readonly UpstreamProfile Idle = new("idle", Tokens: 10_000, InterTokenDelayMs: 2_000);

    /// <summary>What the conversations API's model answers: 20 tokens, instant.</summary>
    public static readonly UpstreamProfile Chat = new("chat", Tokens: 20);

    public static readonly UpstreamProfile[] Profiles = [Fast, Stream50, Idle, Chat];

    private readonly List<IAsyncDisposable> _owned = [];
    private FakeUpstream _upstream = null!;
    private LoadGenerator _load = null!;
    private string _serverDll = null!;

    private TimeSpan Measure => options.Measure;

    private long MaxRequests => (long)(options.Measure.TotalSeconds * 150_000);

    public async Task RunAsync()
    {
        _serverDll = Gateways.FindServerDll(options.ServerDll);
        _upstream = await FakeUpstream.StartAsync(Profiles);
        _owned.Add(_upstream);
        _load = new LoadGenerator(maxConnections: 1024);
        Log($"fake upstream at {_upstream.Address}, Parley from {_serverDll}");

        if (options.SoakOnly)
        {
            await RunScenarioAsync("soak", $"soak: {options.Soak.TotalMinutes:0.#} min at {options.SoakRps:0} rps, RSS every second", SoakAsync);
            return;
        }

        var dataDirectory = Directory.CreateTempSubdirectory("parley-bench-data-").FullName;
        string? longConversation = null;
        var seeding = await RunScenarioAsync("conversation_seed", $"seed a conversation of {options.ConversationMessages:N0} messages (SQLite, via the store)",
            async s => longConversation = await SeedConversationAsync(s, dataDirectory));

        var parley = await Gateways.StartParleyAsync(_serverDll, _upstream, Profiles, dataDirectory);
        _owned.Add(parley);
        var targets = new List<(Target Target, ChildProcess? Process)>
        {
            (Target.ToUpstream(_upstream), null),
            (Target.ToParley(parley.Address), parley),
        };

        var portkey = await StartPortkeyAsync();
        if (portkey is not null)
            targets.Add((Target.ToPortkey(portkey.Address, _upstream), portkey));

        await WarmUpAsync(targets);
        foreach (var rate in options.Rates)
        {
            await RunScenarioAsync($"v1_nonstream_{rate:0}rps", $"/v1 non-streaming, open loop at {rate:N0} rps",
                s => NonStreamingAtRateAsync(s, targets, rate));
        }
        await RunScenarioAsync("v1_nonstream_max", $"/v1 non-streaming, max throughput ({options.Connections} connections)",
            s => MaxThroughputAsync(s, targets, Fast, stream: false));
        await RunScenarioAsync("v1_stream_max", $"/v1 streaming {Stream50.Tokens} tokens, max throughput ({options.Connections} connections)",
            s => MaxThroughputAsync(s, targets, Stream50, stream: true));
        await RunScenarioAsync("v1_stream_ttft", $"/v1 streaming {Stream50.Tokens} tokens, open loop at {options.StreamRate:N0} rps: time to first token",
            s => TimeToFirstTokenAsync(s, targets));
        await RunScenarioAsync("conversations_append", $"conversations API: append + stream a reply (SQLite), max throughput ({options.Connections} connections)",
            s => ConversationAppendAsync(s, parley));
        if (!options.Smoke)
        {
            await RunScenarioAsync("conversations_append_tmpfs", "conversations API: the same with Parley's SQLite file on tmpfs (no fsync cost; a diagnostic)",
                ConversationAppendOnTmpfsAsync);
        }
        await RunScenarioAsync("conversation_load", $"conversations API: load a conversation of {options.ConversationMessages:N0} messages",
            s => seeding.Status == "ok" ? ConversationLoadAsync(s, parley, longConversation!) : Skip(s, "seeding failed"));
        await RunScenarioAsync("policies", $"policies on (accounts mode, a key with limits, usage recorded) vs off, max throughput ({options.Connections} connections)",
            PoliciesAsync);

        // Memory scenarios get a fresh Parley each, with nothing else running.
        await StopAsync(portkey);
        await StopAsync(parley);
        await RunScenarioAsync("local_model", "a GGUF model inside Parley (llama provider) vs llama-server: generation and prompt tokens/s, time to first token",
            LocalModelAsync);
        await RunScenarioAsync("idle_streams", $"{options.IdleStreams:N0} concurrent idle streams through Parley: RSS per stream",
            s => IdleStreamsAsync(s, workstationGc: false));
        if (!options.Smoke)
        {
            await RunScenarioAsync("idle_streams_workstation_gc", $"the same with workstation GC (DOTNET_gcServer=0; a diagnostic)",
                s => IdleStreamsAsync(s, workstationGc: true));
        }
        if (options.Soak > TimeSpan.Zero)
            await RunScenarioAsync("soak", $"soak: {options.Soak.TotalSeconds:0} s at {options.SoakRps:0} rps, RSS every second", SoakAsync);

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<ScenarioResult> RunScenarioAsync(string key, string title, Func<ScenarioResult, Task> body)
    {
        var scenario = new ScenarioResult { Key = key, Title = title };
        if (options.Only is { } only && !only.Contains(key))
        {
            scenario.Status = "skipped";
            return scenario;
        }
        report.Scenarios.Add(scenario);
        Log($"== {title}");
        var started = Stopwatch.GetTimestamp();
        try
        {
            await body(scenario);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            scenario.Status = "failed";
            scenario.Notes.Add($"{ex.GetType().Name}: {ex.Message}");
        }

        // A Parley or direct run with errors fails the scenario; a peer's errors are only reported.
        foreach (var run in scenario.Runs.Where(r => r.Errors > 0))
        {
            scenario.Notes.Add($"{run.Target}: {run.Errors} of {run.Requests} requests failed, first: {run.FirstError}");
            if (run.Target != Target.Portkey && scenario.Status == "ok")
                scenario.Status = "failed";
        }
        foreach (var run in scenario.Runs)
        {
            Log($"   {run.Target,-8} {run.Rps,9:N0} rps  p50 {Ms(run.Latency?.P50)}  p99 {Ms(run.Latency?.P99)}  " +
                $"first byte p50 {Ms(run.FirstByte?.P50)}  errors {run.Errors}  dropped {run.Dropped}");
        }
        foreach (var (name, value) in scenario.Metrics)
            Log($"   {name} = {value:0.###}");
        foreach (var note in scenario.Notes)
            Log($"   note: {note}");
        Log($"   [{scenario.Status}] {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        return scenario;
    }

    private async Task<ChildProcess?> StartPortkeyAsync()
    {
        var scenario = new ScenarioResult { Key = "peers", Title = "peers: Portkey gateway (npm @portkey-ai/gateway)" };
        report.Scenarios.Add(scenario);
        if (!options.Peers)
        {
            scenario.Status = "skipped";
            scenario.Notes.Add(options.Smoke ? "peers are not run in smoke mode" : "--no-peers");
            return null;
        }

        var (script, reason) = await Gateways.FindPortkeyAsync(options.PortkeyDir, options.InstallPeers);
        if (script is null)
        {
            scenario.Status = "skipped";
            scenario.Notes.Add(reason!);
            Log($"   Portkey skipped: {reason}");
            return null;
        }

        try
        {
            var portkey = await Gateways.StartPortkeyAsync(script);
            _owned.Add(portkey);
            scenario.Notes.Add($"Portkey from {script}, with @hono/node-server 1.14.1; it listens on every interface, the bench only talks to 127.0.0.1");
            return portkey;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            scenario.Status = "skipped";
            scenario.Notes.Add($"Portkey did not start: {ex.Message}");
            return null;
        }
    }

    private async Task WarmUpAsync(IEnumerable<(Target Target, ChildProcess? Process)> targets)
    {
        foreach (var (target, process) in targets)
        {
            foreach (var (profile, stream) in new[] { (Fast, false), (Stream50, true) })
            {
                var request = target.Chat(profile.Name, stream);
                await _load.ClosedLoopAsync(target.Name, (_, _) => request, options.Connections, options.Warmup, MaxRequests);
                if (process is not null)
                    await UntilSteadyAsync(target, process, request);
            }
        }
    }

    /// <summary>
    /// More warm-up rounds until the process's CPU per request settles (two rounds within 5%, at most eight). .NET compiles
    /// its hot methods again, optimised, only after counting their calls, and that counting waits until no new method has
    /// been compiled for a moment: with a fixed warm-up that second compilation (about 1,700 methods in Parley) landed in
    /// the first measurement and counted as request cost.
    /// </summary>
    private async Task UntilSteadyAsync(Target target, ChildProcess process, BenchRequest request)
    {
        var round = TimeSpan.FromSeconds(options.Smoke ? 0.25 : 1);
        double? previous = null;
        for (var i = 0; i < 8; i++)
        {
            var cpuBefore = process.CpuSeconds();
            var run = await _load.ClosedLoopAsync(target.Name, (_, _) => request, options.Connections, round, MaxRequests);
            var perRequest = run.Requests > 0 ? (process.CpuSeconds() - cpuBefore) / run.Requests : 0;
            if (previous is { } before && Math.Abs(perRequest - before) <= 0.05 * before)
                return;
            previous = perRequest;
        }
    }

    private async Task NonStreamingAtRateAsync(ScenarioResult scenario, List<(Target Target, ChildProcess? Process)> targets, double rate)
    {
        foreach (var (target, process) in targets)
        {
            // Portkey's published ceiling is about 1.5k rps: above that the open loop only measures its queue.
            if (target.Name == Target.Portkey && rate > 1_000)
            {
                scenario.Notes.Add($"portkey not run at {rate:N0} rps (its anchor is ~1.5k rps at saturation)");
                continue;
            }
            var request = target.Chat(Fast.Name, stream: false);
            var run = await Measured(scenario, process, () => _load.OpenLoopAsync(target.Name, _ => request, rate, Measure, maxInFlight: 512));
            if (run.Dropped > 0 || run.Rps < rate * 0.95)
                scenario.Notes.Add($"{target.Name} did not keep up with {rate:N0} rps ({run.Rps:N0} rps served, {run.Dropped} not sent)");
        }
        Compare(scenario);
    }

    private async Task MaxThroughputAsync(ScenarioResult scenario, List<(Target Target, ChildProcess? Process)> targets, UpstreamProfile profile, bool stream)
    {
        foreach (var (target, process) in targets)
        {
            var request = target.Chat(profile.Name, stream);
            var run = await Measured(scenario, process,
                () => _load.ClosedLoopAsync(target.Name, (_, _) => request, options.Connections, Measure, MaxRequests));
            if (stream)
                scenario.Metrics[$"{target.Name}_tokens_per_s"] = run.Rps * profile.Tokens;
            if (stream && process is not null && scenario.Metrics.TryGetValue($"{target.Name}_cpu_s", out var cpu) && run.Requests > 0)
                scenario.Metrics[$"{target.Name}_cpu_ms_per_1k_tokens"] = cpu * 1000 / ((run.Requests - run.Errors) * profile.Tokens / 1000.0);
        }
        Compare(scenario);
    }

    private async Task TimeToFirstTokenAsync(ScenarioResult scenario, List<(Target Target, ChildProcess? Process)> targets)
    {
        foreach (var (target, process) in targets)
        {
            var request = target.Chat(Stream50.Name, stream: true);
            await Measured(scenario, process, () => _load.OpenLoopAsync(target.Name, _ => request, options.StreamRate, Measure, maxInFlight: 512));
        }
        Compare(scenario);
    }

    /// <summary>Runs a load and records the target process's CPU seconds and RSS around it.</summary>
    private static async Task<LoadResult> Measured(ScenarioResult scenario, ChildProcess? process, Func<Task<LoadResult>> load)
    {
        var cpuBefore = process?.CpuSeconds() ?? 0;
        var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var run = await load();
        scenario.Runs.Add(run);
        // The load generator and the fake upstream share this process: its CPU shows how much of the 2 cores they took.
        scenario.Metrics[$"bench_cpu_s_during_{run.Target}"] = (Process.GetCurrentProcess().TotalProcessorTime - benchCpuBefore).TotalSeconds;
        if (process is not null)
        {
            var cpu = process.CpuSeconds() - cpuBefore;
            scenario.Metrics[$"{process.Name}_cpu_s"] = cpu;
            scenario.Metrics[$"{process.Name}_rss_mb"] = process.RssKb() / 1024.0;
            scenario.Metrics[$"{process.Name}_threads"] = Threads(process.Pid);
            if (run.Requests - run.Errors > 0)
                scenario.Metrics[$"{process.Name}_cpu_us_per_request"] = cpu * 1_000_000 / (run.Requests - run.Errors);
        }
        return run;
    }

    /// <summary>Parley (and peers) against the direct run: throughput ratio and added latency.</summary>
    private static void Compare(ScenarioResult scenario)
    {
        var direct = scenario.Run(Target.Direct);
        foreach (var gateway in scenario.Runs.Where(r => r.Target != Target.Direct))
        {
            var name = gateway.Target;
            if (direct is { Rps: > 0 })
                scenario.Metrics[$"{name}_vs_direct_throughput"] = gateway.Rps / direct.Rps;
            if (direct?.Latency is { } d && gateway.Latency is { } g)
            {
                scenario.Metrics[$"{name}_added_p50_us"] = g.P50 - d.P50;
                scenario.Metrics[$"{name}_added_p99_us"] = g.P99 - d.P99;
            }
            if (direct?.FirstByte is { } df && gateway.FirstByte is { } gf)
            {
                scenario.Metrics[$"{name}_added_ttft_p50_us"] = gf.P50 - df.P50;
                scenario.Metrics[$"{name}_added_ttft_p99_us"] = gf.P99 - df.P99;
            }
        }
        if (scenario.Run(Target.Parley) is { Rps: > 0 } parley && scenario.Run(Target.Portkey) is { Rps: > 0 } portkey)
            scenario.Metrics["parley_vs_portkey_throughput"] = parley.Rps / portkey.Rps;
    }

    private static Task NotAvailable(ScenarioResult scenario, string why)
    {
        scenario.Status = "not_available";
        scenario.Notes.Add(why);
        return Task.CompletedTask;
    }

    private static Task Skip(ScenarioResult scenario, string why)
    {
        scenario.Status = "skipped";
        scenario.Notes.Add(why);
        return Task.CompletedTask;
    }

    private async Task StopAsync(ChildProcess? process)
    {
        if (process is null)
            return;
        _owned.Remove(process);
        await process.DisposeAsync();
    }

    private static string Ms(double? us) => us is { } v ? $"{v / 1000,8:0.000} ms" : "       -   ";

    public static void Log(string line) => Console.WriteLine(line);

    public async ValueTask DisposeAsync()
    {
        _load?.Dispose();
        for (var i = _owned.Count - 1; i >= 0; i--)
            await _owned[i].DisposeAsync();
    }
}
