using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Parley.Bench.Reporting;

namespace Parley.Bench.Micro;

/// <summary>
/// Runs <see cref="HotPathBenchmarks"/> in this process (no generated project to build) with a short job:
/// a few 250 ms iterations, or a single cold invocation of each in smoke mode.
/// </summary>
public static class MicroRunner
{
    public static void Run(BenchOptions options, BenchReport report, ScenarioResult scenario)
    {
        var job = options.Smoke
            ? Job.Dry
            : Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(250));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(NullLogger.Instance)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "parley-bench-bdn"))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<HotPathBenchmarks>(config);
        foreach (var error in summary.ValidationErrors.Where(e => e.IsCritical))
            scenario.Notes.Add(error.Message);
        foreach (var benchmark in summary.Reports)
        {
            var name = benchmark.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            if (!benchmark.Success || benchmark.ResultStatistics is null)
            {
                scenario.Notes.Add($"{name} did not run");
                continue;
            }
            var allocated = benchmark.GcStats.GetBytesAllocatedPerOperation(benchmark.BenchmarkCase) ?? -1;
            report.Micro.Add(new MicroResult(name, benchmark.ResultStatistics.Mean, allocated));
        }
        if (summary.HasCriticalValidationErrors || report.Micro.Count < summary.BenchmarksCases.Length)
            scenario.Status = "failed";
        if (options.Smoke)
            scenario.Notes.Add("smoke: one cold invocation each (Job.Dry), times are not meaningful");
    }
}
