using System.Diagnostics;
using Parley.Bench.Upstream;

namespace Parley.Bench.Processes;

/// <summary>Starts the gateways under test as child processes, each pointed at the same fake upstream.</summary>
public static class Gateways
{
    /// <summary>The upstream profiles Parley is configured with: each becomes a provider, its model is <c>{profile}/m</c>.</summary>
    public static async Task<ChildProcess> StartParleyAsync(string serverDll, FakeUpstream upstream, IEnumerable<UpstreamProfile> profiles, string? dataDirectory = null,
        IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var port = ChildProcess.FreePort();
        var workingDirectory = Directory.CreateTempSubdirectory("parley-bench-").FullName;
        var environment = new Dictionary<string, string>
        {
            ["HOST"] = "127.0.0.1",
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PARLEY_DATA_DIR"] = dataDirectory ?? Path.Combine(workingDirectory, "data"),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Mock__FirstTokenDelayMs"] = "0",
            ["Mock__TokensPerSecond"] = "0",
            ["PARLEY_DEFAULT_MODEL"] = "fast/m",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["MALLOC_ARENA_MAX"] = "2", // as the container image runs it (Dockerfile)
        };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
            environment[key] = value;
        foreach (var profile in profiles)
        {
            var prefix = $"Parley__Providers__{profile.Name}__";
            environment[prefix + "Kind"] = "openai";
            environment[prefix + "BaseUrl"] = upstream.BaseUrl(profile.Name);
            environment[prefix + "ApiKey"] = "x";
            environment[prefix + "Models__0"] = "m";
        }
        // The bench's own environment must not configure real providers in the child.
        foreach (var name in new[] { "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL", "OPENAI_MODEL", "ANTHROPIC_API_KEY" })
            environment[name] = "";

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var child = ChildProcess.Start("parley", dotnet, [serverDll], environment, port, workingDirectory, ownsWorkingDirectory: true);
        await child.WaitReadyAsync("/health/live", TimeSpan.FromSeconds(60));
        return child;
    }

    /// <summary>Parley.Server.dll: the given path, or the copy built next to the bench (it references the server project).</summary>
    public static string FindServerDll(string? configured)
    {
        if (configured is not null)
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"--server-dll: {configured} does not exist.");
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable("PARLEY_SERVER_DLL"),
            Path.Combine(AppContext.BaseDirectory, "Parley.Server.dll"),
        };
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c))
            ?? throw new FileNotFoundException("Parley.Server.dll not found; build the bench (it references the server) or pass --server-dll.");
    }

    /// <summary>
    /// Portkey's gateway from npm (pinned, with <c>@hono/node-server</c> overridden to 1.14.1, which it needs to stream).
    /// Returns the script to run, or null with the reason when Node, npm or the package is not available.
    /// </summary>
    public static async Task<(string? Script, string? Reason)> FindPortkeyAsync(string directory, bool install)
    {
        var script = Path.Combine(directory, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        if (File.Exists(script))
            return (script, null);
        if (!install)
            return (null, $"Portkey is not installed in {directory} (run bench/peers/install-portkey.sh)");

        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "package.json"),
            """{"name":"parley-bench-peers","private":true,"overrides":{"@hono/node-server":"1.14.1"}}""");
        var info = new ProcessStartInfo("npm")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --ignore-scripts: the gateway's postinstall runs patch-package over a patches folder the package does not ship, which
        // now fails the whole install; skipping it changes nothing that runs.
        foreach (var argument in new[] { "install", "--no-audit", "--no-fund", "--ignore-scripts", "@portkey-ai/gateway@1.15.2", "@hono/node-server@1.14.1" })
            info.ArgumentList.Add(argument);
        try
        {
            using var npm = Process.Start(info)!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await npm.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                npm.Kill(entireProcessTree: true);
                return (null, "npm install of @portkey-ai/gateway took more than 3 minutes");
            }
            await Task.WhenAll(output, error);
            if (npm.ExitCode != 0 || !File.Exists(script))
                return (null, $"npm install of @portkey-ai/gateway failed: {error.Result.Split('\n').LastOrDefault(l => l.Length > 0)}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, $"npm is not available ({ex.Message})");
        }
        return (script, null);
    }

    public static async Task<ChildProcess> StartPortkeyAsync(string script)
    {
        var port = ChildProcess.FreePort();
        var environment = new Dictionary<string, string> { ["NODE_ENV"] = "production" };
        var child = ChildProcess.Start("portkey", "node", [script, $"--port={port}", "--headless"], environment, port,
            Path.GetDirectoryName(script)!, ownsWorkingDirectory: false);
        await child.WaitReadyAsync("/", TimeSpan.FromSeconds(30));
        return child;
    }
}
