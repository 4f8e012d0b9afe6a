using System.Diagnostics;
using Parley.Bench;
using Parley.Bench.Micro;
using Parley.Bench.Reporting;
using Parley.Bench.Scenarios;

BenchOptions? options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options is null)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var report = new BenchReport { Mode = options.Mode, StartedAt = DateTimeOffset.UtcNow, Machine = MachineInfo.Read() };
var started = Stopwatch.GetTimestamp();
await using (var suite = new Suite(options, report))
{
    try
    {
        await suite.RunAsync();
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        var failed = new ScenarioResult { Key = "suite", Title = "suite set-up", Status = "failed" };
        failed.Notes.Add($"{ex.GetType().Name}: {ex.Message}");
        report.Scenarios.Add(failed);
        Console.Error.WriteLine(ex);
    }
}

if (options.Micro)
{
    var micro = new ScenarioResult { Key = "micro", Title = "micro-benchmarks: /v1 hot path (BenchmarkDotNet, MemoryDiagnoser)" };
    report.Scenarios.Add(micro);
    Suite.Log($"== {micro.Title}");
    try
    {
        MicroRunner.Run(options, report, micro);
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        micro.Status = "failed";
        micro.Notes.Add($"{ex.GetType().Name}: {ex.Message}");
    }
}

report.DurationSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
if (!options.Smoke)
    ReportWriter.CheckTargets(report); // smoke runs are too short to say anything about the goals
Console.WriteLine();
Console.Write(ReportWriter.Table(report));
await ReportWriter.WriteAsync(report, options.Out);
Console.WriteLine($"results: {Path.GetFullPath(options.Out)} ({report.DurationSeconds:0} s)");

// The seed step and the peer set-up are bookkeeping, not scenarios of their own.
var counted = report.Scenarios.Where(s => s.Key is not ("conversation_seed" or "peers") || s.Status == "failed").ToList();
var failures = counted.Count(s => s.Status == "failed");
Console.WriteLine($"bench: {counted.Count - failures} passed, {failures} failed");
return failures == 0 ? 0 : 1;
