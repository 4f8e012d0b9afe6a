using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Parley.Tests.Fakes;

namespace Parley.Tests.Operations;

/// <summary>The <c>healthcheck</c> and <c>doctor</c> verbs as real processes against real servers and loopback fakes.</summary>
public sealed class DeployVerbTests
{
    [Fact]
    public async Task Healthcheck_exits_0_against_a_running_server_and_1_against_a_closed_port()
    {
        var folder = Path.Combine(Path.GetTempPath(), "parley-healthcheck", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var server = await ServerProcess.StartAsync(folder))
            {
                var (code, output) = await ServerVerb.RunAsync(["healthcheck"], new Dictionary<string, string> { ["PORT"] = Port(server.Port) });
                Assert.Equal(0, code);
                Assert.Contains($"healthy: http://127.0.0.1:{server.Port}/health/live answered 200", output, StringComparison.Ordinal);
            }

            var (closedCode, closedOutput) = await ServerVerb.RunAsync(["healthcheck"], new Dictionary<string, string> { ["PORT"] = Port(ClosedPort()) });
            Assert.Equal(1, closedCode);
            Assert.StartsWith("unhealthy:", closedOutput, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Healthcheck_exits_1_when_the_port_answers_but_not_with_2xx()
    {
        await using var upstream = await FakeOpenAIServer.StartAsync(); // has no /health/live: 404
        var port = new Uri(upstream.Origin).Port;
        var (code, output) = await ServerVerb.RunAsync(["healthcheck"], new Dictionary<string, string> { ["PORT"] = Port(port) });
        Assert.Equal(1, code);
        Assert.Contains("answered 404", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_exits_0_with_only_the_mock_and_the_sqlite_store_and_says_what_is_not_configured()
    {
        var (code, output) = await ServerVerb.RunAsync(["doctor"], new Dictionary<string, string>());
        Assert.True(code == 0, output);
        Assert.Contains("warn  default model: mock/echo", output, StringComparison.Ordinal);
        Assert.Contains("ok    provider mock:", output, StringComparison.Ordinal);
        Assert.Contains("ok    store: sqlite: opened and queried", output, StringComparison.Ordinal);
        Assert.Contains("skip  redis: REDIS_URL is not set", output, StringComparison.Ordinal);
        Assert.Contains("skip  kafka:", output, StringComparison.Ordinal);
        Assert.Contains("skip  web search:", output, StringComparison.Ordinal);
        Assert.Contains("Result: every required part is reachable.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_makes_a_one_token_call_to_each_provider_and_never_prints_the_keys()
    {
        await using var openAI = await FakeOpenAIServer.StartAsync();
        await using var anthropic = await FakeAnthropicServer.StartAsync();
        const string openAIKey = "sk-doctor-openai-4f1c9e";
        const string anthropicKey = "sk-ant-doctor-8d2b7a";
        anthropic.Enqueue(FakeReply.Error(401, $"invalid x-api-key {anthropicKey}"));
        var (code, output) = await ServerVerb.RunAsync(["doctor", "--timeout", "10"], new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = openAIKey,
            ["OPENAI_API_BASE"] = openAI.BaseUrl,
            ["ANTHROPIC_API_KEY"] = anthropicKey,
            ["ANTHROPIC_BASE_URL"] = anthropic.Origin,
            ["Parley__Resilience__Enabled"] = "false",
        });

        Assert.Equal(1, code);
        Assert.Contains($"ok    provider openai: openai, {openAI.BaseUrl}: openai/gpt-4o-mini answered a 1-token call", output, StringComparison.Ordinal);
        Assert.Contains("FAIL  provider anthropic:", output, StringComparison.Ordinal);
        Assert.DoesNotContain(openAIKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(anthropicKey, output, StringComparison.Ordinal);
        var call = openAI.Requests.Single(r => r.Path == "/v1/chat/completions");
        Assert.Equal($"Bearer {openAIKey}", call.Header("Authorization"));
        var tokens = call.Root.TryGetProperty("max_completion_tokens", out var t) ? t : call.Root.GetProperty("max_tokens");
        Assert.Equal(1, tokens.GetInt32());
        Assert.Equal(anthropicKey, anthropic.LastRequest.Header("x-api-key"));
    }

    [Fact]
    public async Task Doctor_fails_when_configured_redis_kafka_or_postgresql_do_not_answer_and_passes_against_a_real_redis()
    {
        var closed = Port(ClosedPort());
        var (code, output) = await ServerVerb.RunAsync(["doctor", "--timeout", "3"], new Dictionary<string, string>
        {
            ["REDIS_URL"] = $"redis://:redis-secret-value@127.0.0.1:{closed}/0",
            ["BOOTSTRAP_SERVER"] = $"127.0.0.1:{closed}",
            ["DATABASE_URL"] = $"postgres://parley:pg-secret-value@127.0.0.1:{closed}/parley",
        });
        Assert.Equal(1, code);
        Assert.Contains($"FAIL  redis: 127.0.0.1:{closed}:", output, StringComparison.Ordinal);
        Assert.Contains($"FAIL  kafka: no bootstrap server reachable: 127.0.0.1:{closed}:", output, StringComparison.Ordinal);
        Assert.Contains($"FAIL  postgresql: 127.0.0.1:{closed}:", output, StringComparison.Ordinal);
        Assert.Contains("FAIL  store: postgres: could not be opened or queried", output, StringComparison.Ordinal);
        Assert.Contains("Result: 4 required parts are not reachable.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", output, StringComparison.Ordinal);

        await using var redis = await PrivateRedis.StartAsync(password: "redis-pass-77");
        var (redisCode, redisOutput) = await ServerVerb.RunAsync(["doctor", "--timeout", "5"], new Dictionary<string, string>
        {
            ["REDIS_URL"] = $"redis://:redis-pass-77@127.0.0.1:{redis.Port}/0",
        });
        Assert.True(redisCode == 0, redisOutput);
        Assert.Contains($"ok    redis: 127.0.0.1:{redis.Port}: PONG", redisOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("redis-pass-77", redisOutput, StringComparison.Ordinal);

        var (wrongCode, wrongOutput) = await ServerVerb.RunAsync(["doctor", "--timeout", "5"], new Dictionary<string, string>
        {
            ["REDIS_URL"] = $"redis://:not-the-password@127.0.0.1:{redis.Port}/0",
        });
        Assert.Equal(1, wrongCode);
        Assert.Contains("FAIL  redis:", wrongOutput, StringComparison.Ordinal);
        Assert.Contains("AUTH was refused", wrongOutput, StringComparison.Ordinal);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A loopback port nothing listens on (taken and released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Debian's redis-server on a free loopback port, with no persistence, in its own temp folder.</summary>
    private sealed class PrivateRedis : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _folder;

        private PrivateRedis(Process process, string folder, int port)
        {
            _process = process;
            _folder = folder;
            Port = port;
        }

        public int Port { get; }

        public static async Task<PrivateRedis> StartAsync(string password)
        {
            var folder = Path.Combine(Path.GetTempPath(), "parley-redis", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var port = ClosedPort();
            var process = Process.Start(new ProcessStartInfo("redis-server",
                ["--port", Port(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder, "--requirepass", password])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var redis = new PrivateRedis(process, folder, port);
            for (var attempt = 0; attempt < 100; attempt++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return redis;
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                }
            }
            await redis.DisposeAsync();
            throw new TimeoutException("redis-server did not start within 5 s.");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
