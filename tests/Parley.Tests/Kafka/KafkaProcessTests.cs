using System.Diagnostics;
using System.Text.Json;
using Parley.Tests.Support;
using Xunit.Abstractions;

namespace Parley.Tests.Kafka;

/// <summary>
/// The worker as a separate process (<c>Parley.Server worker</c>) killed mid-batch, and Debian's <c>kcat</c> as an
/// independent Kafka client producing requests and reading answers.
/// </summary>
[Collection(KafkaTests.Name)]
public sealed class KafkaProcessTests(KafkaMockCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task AWorkerKilledMidBatchAndReplacedLosesNoRequest()
    {
        const int count = 300;
        var names = KafkaMockCluster.NewNames();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        using var worker = StartWorkerProcess(names, dataDirectory);
        try
        {
            await cluster.ProduceAsync(names.Requests, [.. Enumerable.Range(0, count).Select(i => ((string?)$"k{i}", $$"""{"message": "[[mock:delay 100]] n{{i}}"}"""))]);
            var before = cluster.Consume(names.Responses, r => r.Count >= 40, TimeSpan.FromSeconds(40));
            Assert.True(before.Count >= 40, $"The worker process answered only {before.Count} requests before the kill.");
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            var atKill = cluster.Consume(names.Responses, r => false, TimeSpan.FromSeconds(2)).Count;
            Assert.InRange(atKill, before.Count, count - 1);

            await using var replacement = await cluster.StartWorkerAsync(names, new() { ["Parley:Kafka:MaxConcurrency"] = "16" });
            var after = cluster.Consume(names.Responses, r => r.Select(m => m.Key).Distinct().Count() >= count, TimeSpan.FromSeconds(45));

            var keys = after.Select(r => r.Key).Distinct().ToList();
            output.WriteLine($"answered before the kill: {atKill}; after the restart: {after.Count} responses for {keys.Count} keys ({after.Count - keys.Count} duplicates)");
            Assert.Equal(count, keys.Count);
            Assert.All(after, r => Assert.Contains(r.Key![1..], r.Json.GetProperty("response").GetString(), StringComparison.Ordinal));
        }
        finally
        {
            if (!worker.HasExited)
                worker.Kill(entireProcessTree: true);
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task KcatProducesARequestAndReadsTheAnswer()
    {
        var names = KafkaMockCluster.NewNames();
        await using var worker = await cluster.StartWorkerAsync(names);

        var produced = await Kcat(["-b", cluster.BootstrapServers, "-P", "-t", names.Requests, "-K", "|"],
            "kcat-1|{\"message\": \"Hello from kcat\", \"user_email\": \"cli@example.com\"}\nkcat-2|not json\n");
        Assert.True(produced.ExitCode == 0, $"kcat -P exited with {produced.ExitCode}: {produced.Errors}");
        var consumed = await Kcat(["-b", cluster.BootstrapServers, "-C", "-t", names.Responses, "-o", "beginning", "-c", "2", "-J", "-q"], null);
        Assert.True(consumed.ExitCode == 0, $"kcat -C exited with {consumed.ExitCode}: {consumed.Errors}");

        var messages = consumed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(m => m.GetProperty("key").GetString()!);
        Assert.Equal(["kcat-1", "kcat-2"], messages.Keys.Order());
        var answer = JsonDocument.Parse(messages["kcat-1"].GetProperty("payload").GetString()!).RootElement;
        Assert.Contains("Hello from kcat", answer.GetProperty("response").GetString(), StringComparison.Ordinal);
        var error = JsonDocument.Parse(messages["kcat-2"].GetProperty("payload").GetString()!).RootElement;
        Assert.Equal("invalid_json", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheWorkerVerbWithoutABrokerStopsWithOneLine()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetTempPath(), RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll"));
        start.ArgumentList.Add("worker");
        start.Environment.Remove("BOOTSTRAP_SERVER");
        start.Environment.Remove("Parley__Kafka__BootstrapServers");
        start.Environment["PORT"] = "0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Parley cannot start: The worker needs Parley:Kafka:BootstrapServers (BOOTSTRAP_SERVER)", await stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> Kcat(string[] arguments, string? input)
    {
        var start = new ProcessStartInfo("kcat") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start; install it with apt-get install kcat.");
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"kcat did not finish in 30 s: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private Process StartWorkerProcess(KafkaNames names, string dataDirectory)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll");
        Assert.True(File.Exists(server), $"{server} is missing; the test project references Parley.Server.");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(server);
        start.ArgumentList.Add("worker");
        foreach (var (key, value) in cluster.WorkerSettings(names, new() { ["Parley:Kafka:MaxConcurrency"] = "4" }))
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["PARLEY_DATA_DIR"] = dataDirectory;
        start.Environment["PORT"] = "0";
        start.Environment["Mock__FirstTokenDelayMs"] = "0";
        start.Environment["Mock__TokensPerSecond"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start.");
        process.OutputDataReceived += (_, e) => Echo(e.Data);
        process.ErrorDataReceived += (_, e) => Echo(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Echo(string? line)
    {
        try
        {
            if (line is not null)
                output.WriteLine($"worker: {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished.
        }
    }
}
