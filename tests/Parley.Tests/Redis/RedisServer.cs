using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parley.Tests.Redis;

/// <summary>
/// A private redis-server (Debian package) for one test class: a free loopback port, a temp directory, no persistence.
/// It can be killed and restarted on the same port to test Parley's degraded mode and recovery.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-redis-tests", Guid.NewGuid().ToString("N"));
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}/0";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        Directory.CreateDirectory(server._directory);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts redis-server (again) on the same port; waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        var path = Executable() ?? throw new InvalidOperationException(
            "redis-server is not installed; the Redis tests need it (test.sh installs Debian's redis-server, or run: apt-get install redis-server).");
        var start = new ProcessStartInfo(path,
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", _directory, "--daemonize", "no", "--protected-mode", "yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await PingAsync())
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"redis-server did not answer on 127.0.0.1:{Port} within 15 s.");
    }

    /// <summary>Kills the server (as a crash would) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Sends one command in Redis' inline protocol and returns the first reply line.</summary>
    public async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)) ?? "";
        if (line.StartsWith('$') && line != "$-1")
            line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5)) ?? "";
        return line;
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            return await CommandAsync("PING") == "+PONG";
        }
        catch (Exception error) when (error is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    private static string? Executable() =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server" }.FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
