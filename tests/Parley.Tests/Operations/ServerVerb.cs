using System.Diagnostics;

namespace Parley.Tests.Operations;

/// <summary>Runs Parley.Server with a verb (<c>doctor</c>, <c>healthcheck</c>) as a real process until it exits.</summary>
internal static class ServerVerb
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, IDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), "parley-verb", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workingDirectory);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        // Only what the test sets: no provider keys or backends leak in from the machine running the tests.
        foreach (var name in new[] { "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "BOOTSTRAP_SERVER", "REDIS_URL", "DATABASE_URL", "PORT", "HOST" })
            start.Environment.Remove(name);
        start.Environment["PARLEY_DATA_DIR"] = Path.Combine(workingDirectory, "data");
        start.Environment["Mock__FirstTokenDelayMs"] = "0";
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Parley.Server {string.Join(' ', arguments)} did not exit in time.");
            }
            return (process.ExitCode, await output + await error);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }
}
