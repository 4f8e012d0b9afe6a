using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Parley.Bench.Processes;

/// <summary>
/// A server the bench starts as its own process (Parley, Portkey) so its memory and CPU can be read
/// separately from the load generator's: RSS from <c>/proc/PID/status</c>, CPU time from <c>/proc/PID/stat</c>.
/// Output is drained (a full pipe would stall the server) and the last lines kept for error messages.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly string? _workingDirectory;

    private ChildProcess(Process process, string name, int port, string? workingDirectory)
    {
        _process = process;
        Name = name;
        Port = port;
        _workingDirectory = workingDirectory;
    }

    public string Name { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public bool HasExited => _process.HasExited;

    public string RecentOutput
    {
        get
        {
            lock (_lastLines)
                return string.Join('\n', _lastLines);
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int port, string workingDirectory, bool ownsWorkingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, name, port, ownsWorkingDirectory ? workingDirectory : null);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Polls <paramref name="path"/> until it answers 2xx (bounded).</summary>
    public async Task WaitReadyAsync(string path, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}: {RecentOutput}");
            try
            {
                using var response = await client.GetAsync(new Uri(Address, path));
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} did not answer {path} within {timeout.TotalSeconds:0} s: {RecentOutput}");
    }

    /// <summary>Resident set size in KiB (VmRSS).</summary>
    public long RssKb() => ReadRssKb(Pid);

    /// <summary>User + system CPU seconds used so far.</summary>
    public double CpuSeconds() => ReadCpuSeconds(Pid);

    public static long ReadRssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        return 0;
    }

    public static double ReadCpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: state is field 3, utime 14 and stime 15 (1-based) -> indexes 11 and 12 here. USER_HZ is 100 on Linux.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 20)
                _lastLines.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _process.Dispose();
        if (_workingDirectory is not null)
        {
            try
            {
                Directory.Delete(_workingDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
