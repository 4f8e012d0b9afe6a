using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Parley.Tests.Storage.Postgres;

/// <summary>
/// A private PostgreSQL cluster for tests: <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on a free loopback port with
/// its socket in that folder, stopped and deleted on dispose. Never touches a system cluster. Runs the server as the
/// <c>postgres</c> OS user when the tests run as root (PostgreSQL refuses to run as root).
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _bin;

    private PostgresCluster(string folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_folder, "data");

    /// <summary>Fails (never skips) when PostgreSQL is not installed: test.sh installs it from Debian's packages.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin (install Debian's 'postgresql' package; test.sh does). "
            + (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? "CI is set, so the PostgreSQL tests fail instead of being skipped." : ""));
        var folder = Path.Combine(Path.GetTempPath(), "parley-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(Path.Combine(folder, "sock"));
        if (IsRoot)
            await RunAsync("chown", ["-R", "postgres:postgres", folder], asPostgres: false);

        var cluster = new PostgresCluster(folder, bin, FreePort());
        await RunAsync(Path.Combine(bin, "initdb"),
            ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres: true);
        await cluster.StartServerAsync();
        return cluster;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = true, Timeout = 5,
    }.ConnectionString;

    /// <summary>A fresh empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public Task StartServerAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"),
    [
        "-D", DataDirectory, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "30", "start",
        "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {Path.Combine(_folder, "sock")} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
    ], asPostgres: true);

    /// <summary>Stops the server; <c>immediate</c> drops every connection at once, as a crash would.</summary>
    public Task StopServerAsync(string mode = "fast") =>
        RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", mode, "-w", "-t", "30", "stop"], asPostgres: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync("immediate");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string? FindBinaries()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
            return null;
        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => bin.Contains("/15/", StringComparison.Ordinal))
            .FirstOrDefault();
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = asPostgres && IsRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await output} {await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One cluster shared by the PostgreSQL test classes of a run; each class makes its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
