using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Bench.Load;

namespace Parley.Bench.Reporting;

/// <summary>The issue's targets checked against a report, the console table, and results.json / results.md.</summary>
public static class ReportWriter
{
    // Anchors from issue 9, measured on a 2-core machine with a minimal Node upstream and 32 connections.
    private const double PortkeyNonStreamingRps = 1_500;
    private const double PortkeyStreamingRps = 1_000;
    private const double SoakFlatKbPerMinute = 64;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void CheckTargets(BenchReport report)
    {
        var scenarios = report.Scenarios.ToDictionary(s => s.Key);
        double? Metric(string scenario, string name) =>
            scenarios.TryGetValue(scenario, out var s) && s.Metrics.TryGetValue(name, out var v) ? v : null;
        LoadResult? Run(string scenario, string target) => scenarios.TryGetValue(scenario, out var s) ? s.Run(target) : null;

        foreach (var (key, mode, anchor) in new[] { ("v1_nonstream_max", "non-streaming", PortkeyNonStreamingRps), ("v1_stream_max", "streaming", PortkeyStreamingRps) })
        {
            var parley = Run(key, "parley");
            var portkey = Run(key, "portkey");
            var direct = Run(key, "direct");
            if (parley is null)
                continue;
            if (portkey is { Rps: > 0 })
                report.Targets.Add(new($"throughput vs Portkey, {mode}", ">= 10x", $"{parley.Rps / portkey.Rps:0.0}x ({parley.Rps:N0} vs {portkey.Rps:N0} rps)",
                    parley.Rps / portkey.Rps >= 10, "Portkey measured in this run"));
            report.Targets.Add(new($"throughput vs Portkey anchor, {mode}", ">= 10x", $"{parley.Rps / anchor:0.0}x ({parley.Rps:N0} vs {anchor:N0} rps)",
                parley.Rps / anchor >= 10, "issue 9's published anchor"));
            if (direct is { Rps: > 0 })
                report.Targets.Add(new($"share of direct-to-upstream, {mode}", ">= 30%", $"{100 * parley.Rps / direct.Rps:0.0}% ({parley.Rps:N0} of {direct.Rps:N0} rps)",
                    parley.Rps / direct.Rps >= 0.30));
        }
        if (Metric("v1_nonstream_1000rps", "parley_added_p50_us") is { } added)
            report.Targets.Add(new("added p50 latency at 1,000 rps", "<= 50 us", $"{added:0} us", added <= 50));
        if (Metric("v1_stream_ttft", "parley_added_ttft_p99_us") is { } ttft)
            report.Targets.Add(new("added time to first token, p99", "<= 1 ms", $"{ttft / 1000:0.000} ms", ttft <= 1000));
        if (Metric("idle_streams", "rss_per_stream_kb") is { } perStream)
        {
            var streams = Metric("idle_streams", "streams_open") ?? 0;
            report.Targets.Add(new("memory per idle stream", "<= 20 KB", $"{perStream:0.0} KiB ({streams:N0} streams)", perStream <= 20));
        }
        if (Metric("soak", "rss_slope_second_half_kb_per_min") is { } slope)
        {
            var minutes = (Run("soak", "parley")?.Seconds ?? 0) / 60;
            report.Targets.Add(new("flat memory in a soak", $"slope of the second half <= {SoakFlatKbPerMinute} KiB/min", $"{slope:0} KiB/min over {minutes:0.#} min",
                minutes >= 5 ? slope <= SoakFlatKbPerMinute : null, minutes >= 5 ? null : "too short to judge"));
        }
    }

    public static string Table(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Parley bench ({report.Mode}) on {report.Machine.Cores} cores, {report.Machine.Cpu}, {report.Machine.MemoryMb:N0} MiB, {report.Machine.Runtime}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"scenario / target",-44} {"req/s",9} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8} {"1st byte p50",12} {"p99",8} {"errors",7}");
        foreach (var scenario in report.Scenarios)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{Clip(scenario.Title, 100)} [{scenario.Status}]");
            foreach (var run in scenario.Runs)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {run.Target,-42} {run.Rps,9:N0} {Ms(run.Latency?.P50),8} {Ms(run.Latency?.P90),8} {Ms(run.Latency?.P99),8} {Ms(run.Latency?.Max),8} {Ms(run.FirstByte?.P50),12} {Ms(run.FirstByte?.P99),8} {run.Errors,7}");
            }
            if (scenario.Metrics.Count > 0)
                text.AppendLine("  " + string.Join(", ", scenario.Metrics.Select(m => $"{m.Key}={m.Value.ToString("0.###", CultureInfo.InvariantCulture)}")));
            foreach (var note in scenario.Notes)
                text.AppendLine("  note: " + note);
        }
        if (report.Micro.Count > 0)
        {
            text.AppendLine("micro-benchmarks (BenchmarkDotNet, in process)");
            foreach (var micro in report.Micro)
                text.AppendLine(CultureInfo.InvariantCulture, $"  {micro.Method,-42} {micro.MeanNs / 1000,10:0.00} us {micro.AllocatedBytes,10:N0} B allocated");
        }
        if (report.Targets.Count > 0)
            text.AppendLine("targets (goals to report against, not assertions)");
        foreach (var target in report.Targets)
            text.AppendLine(CultureInfo.InvariantCulture, $"  {target.Goal,-44} {target.Target,-12} {target.Measured,-40} {Verdict(target.Met)}{(target.Basis is null ? "" : $" ({target.Basis})")}");
        return text.ToString();
    }

    /// <summary>The same results as markdown tables, for docs/benchmarks.md.</summary>
    public static string Markdown(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("| scenario | target | req/s | p50 ms | p90 ms | p99 ms | max ms | first byte p50 / p99 ms | errors |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in report.Scenarios.Where(s => s.Runs.Count > 0))
        {
            foreach (var run in scenario.Runs)
            {
                var firstByte = run.FirstByte is null ? "" : $"{Ms(run.FirstByte.P50)} / {Ms(run.FirstByte.P99)}";
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {scenario.Title} | {run.Target} | {run.Rps:N0} | {Ms(run.Latency?.P50)} | {Ms(run.Latency?.P90)} | {Ms(run.Latency?.P99)} | {Ms(run.Latency?.Max)} | {firstByte} | {run.Errors} |");
            }
        }
        md.AppendLine();
        md.AppendLine("| goal | target | measured | met |");
        md.AppendLine("|---|---|---|---|");
        foreach (var target in report.Targets)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target.Goal}{(target.Basis is null ? "" : $" ({target.Basis})")} | {target.Target} | {target.Measured} | {Verdict(target.Met)} |");
        if (report.Micro.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("| micro-benchmark | mean µs | allocated B/op |");
            md.AppendLine("|---|---:|---:|");
            foreach (var micro in report.Micro)
                md.AppendLine(CultureInfo.InvariantCulture, $"| {micro.Method} | {micro.MeanNs / 1000:0.00} | {micro.AllocatedBytes:N0} |");
        }
        return md.ToString();
    }

    public static async Task WriteAsync(BenchReport report, string jsonPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, Json));
        await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".md"), Markdown(report));
    }

    private static string Verdict(bool? met) => met switch { true => "met", false => "NOT met", null => "n/a" };

    private static string Ms(double? us) => us is { } v ? (v / 1000).ToString(v < 10_000 ? "0.000" : "0.0", CultureInfo.InvariantCulture) : "-";

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
