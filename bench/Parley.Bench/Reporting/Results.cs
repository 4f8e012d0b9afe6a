using Parley.Bench.Load;

namespace Parley.Bench.Reporting;

/// <summary>One scenario: its runs (one per target) and the numbers derived from them.</summary>
public sealed class ScenarioResult
{
    public required string Key { get; init; }

    public required string Title { get; init; }

    /// <summary><c>ok</c>, <c>failed</c>, <c>skipped</c> or <c>not_available</c>.</summary>
    public string Status { get; set; } = "ok";

    public List<string> Notes { get; } = [];

    public List<LoadResult> Runs { get; } = [];

    /// <summary>Derived numbers, named with their unit (<c>added_p50_us</c>, <c>rss_per_stream_kb</c>, ...).</summary>
    public SortedDictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    public LoadResult? Run(string target) => Runs.LastOrDefault(r => r.Target == target);
}

/// <summary>One of the goals and what this run measured against it.</summary>
public sealed record TargetCheck(string Goal, string Target, string Measured, bool? Met, string? Basis = null);

/// <summary>A micro-benchmark row from BenchmarkDotNet.</summary>
public sealed record MicroResult(string Method, double MeanNs, long AllocatedBytes);

/// <summary>Everything a run writes to <c>results.json</c>.</summary>
public sealed class BenchReport
{
    public required string Mode { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required MachineInfo Machine { get; init; }

    public List<ScenarioResult> Scenarios { get; } = [];

    public List<MicroResult> Micro { get; } = [];

    public List<string> MicroNotes { get; } = [];

    public List<TargetCheck> Targets { get; } = [];

    public double DurationSeconds { get; set; }

    /// <summary>The soak's RSS samples: [seconds, KiB].</summary>
    public List<double[]>? SoakSamples { get; set; }
}

/// <summary><see cref="LoadAverage"/>: /proc/loadavg when the run started (1, 5 and 15 minutes), so runs on a busy machine can be told apart.</summary>
public sealed record MachineInfo(int Cores, string Cpu, long MemoryMb, string Os, string Runtime, string LoadAverage)
{
    public static MachineInfo Read()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        long memoryKb = 0;
        if (File.Exists("/proc/meminfo"))
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            memoryKb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        return new MachineInfo(Environment.ProcessorCount, cpu, memoryKb / 1024,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown");
    }
}
