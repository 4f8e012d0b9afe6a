using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Parley.Tools;

/// <summary>
/// Connects to the MCP servers of <see cref="ToolsOptions.Mcp"/> at startup (in the background, in parallel; a server
/// that fails is logged and skipped, never fatal), lists their tools and exposes them as <see cref="AIFunction"/>s
/// (the SDK's <see cref="McpClientTool"/>), named <c>{prefix}{tool}</c> where the prefix defaults to
/// <c>"{server}__"</c>. The clients (and stdio processes) are disposed at shutdown.
/// </summary>
/// <remarks>
/// The tool list is read once per connection; a server's <c>tools/list_changed</c> notification is not followed.
/// HTTP MCP endpoints are configured by the administrator and are not subject to <see cref="AddressPolicy"/>.
/// </remarks>
public sealed partial class McpToolSource : IHostedService, IAsyncDisposable, IDisposable
{
    private const int MaxToolNameLength = 64;

    private readonly ToolsOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<McpClient> _clients = [];
    private readonly Lock _gate = new();
    private volatile IReadOnlyList<AIFunction> _tools = [];
    private volatile IReadOnlyList<McpServerStatus> _servers = [];
    private Task _connecting = Task.CompletedTask;
    private int _disposed;

    public McpToolSource(IOptions<ToolsOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<McpToolSource>();
    }

    /// <summary>The tools of every connected server (empty until connections finish).</summary>
    public IReadOnlyList<AIFunction> Tools => _tools;

    /// <summary>One entry per configured, enabled server, once its connection attempt ended.</summary>
    public IReadOnlyList<McpServerStatus> Servers => _servers;

    /// <summary>Completes when every configured server has connected or failed.</summary>
    public Task WhenConnected => _connecting;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var servers = _options.Mcp.Where(s => s.Value.Enabled).ToList();
        if (servers.Count > 0)
            _connecting = ConnectAllAsync(servers, _stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown does not wait for a server that is still starting.
        }

        await DisposeClientsAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as a singleton and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await DisposeClientsAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>For containers disposed synchronously; blocks until the clients are closed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ConnectAllAsync(List<KeyValuePair<string, McpServerOptions>> servers, CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(servers.Select(s => ConnectAsync(s.Key, s.Value, cancellationToken))).ConfigureAwait(false);
        _servers = statuses.Select(s => s.Status).ToList();
        _tools = statuses.SelectMany(s => s.Tools).ToList();
    }

    private async Task<(McpServerStatus Status, IReadOnlyList<AIFunction> Tools)> ConnectAsync(
        string name, McpServerOptions server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(server.ConnectTimeoutSeconds));
        McpClient? client = null;
        try
        {
            var transport = CreateTransport(name, server);
            client = await McpClient.CreateAsync(
                transport,
                new McpClientOptions { ClientInfo = new Implementation { Name = "Parley", Version = "1.0" } },
                _loggerFactory,
                timeout.Token).ConfigureAwait(false);
            var listed = await client.ListToolsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);

            var prefix = server.ToolPrefix ?? name + "__";
            var tools = listed.Select(t => (AIFunction)t.WithName(ToolName(prefix, t.Name))).ToList();
            lock (_gate)
                _clients.Add(client);
            client = null;
            LogConnected(_logger, name, tools.Count);
            return (new McpServerStatus(name, true, tools.Select(t => t.Name).ToList(), null), tools);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? $"did not connect within {server.ConnectTimeoutSeconds} s" : ex.Message;
            LogFailed(_logger, name, reason, ex);
            return (new McpServerStatus(name, false, [], reason), []);
        }
        finally
        {
            if (client is not null)
                await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IClientTransport CreateTransport(string name, McpServerOptions server)
    {
        if (!string.IsNullOrWhiteSpace(server.Command))
        {
            return new StdioClientTransport(
                new StdioClientTransportOptions
                {
                    Name = name,
                    Command = server.Command,
                    Arguments = [.. server.Arguments],
                    WorkingDirectory = server.WorkingDirectory,
                    EnvironmentVariables = server.Environment.ToDictionary(e => e.Key, e => (string?)e.Value),
                    StandardErrorLines = line => LogServerStderr(_logger, name, line),
                },
                _loggerFactory);
        }

        if (!Uri.TryCreate(server.Url, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"MCP server \"{name}\" needs either a Command or an http(s) Url.");

        return new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Name = name,
                Endpoint = endpoint,
                AdditionalHeaders = new Dictionary<string, string>(server.Headers),
            },
            _loggerFactory);
    }

    /// <summary>Providers accept tool names of [a-zA-Z0-9_-], at most 64 characters.</summary>
    internal static string ToolName(string prefix, string name)
    {
        var sb = new StringBuilder(prefix.Length + name.Length);
        foreach (var c in prefix + name)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        return sb.Length <= MaxToolNameLength ? sb.ToString() : sb.ToString(0, MaxToolNameLength);
    }

    private async Task DisposeClientsAsync()
    {
        List<McpClient> clients;
        lock (_gate)
        {
            clients = [.. _clients];
            _clients.Clear();
        }

        _tools = [];
        foreach (var client in clients)
        {
            try
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogDisposeFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "MCP server {Server} connected with {Count} tools")]
    private static partial void LogConnected(ILogger logger, string server, int count);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "MCP server {Server} is unavailable: {Reason}")]
    private static partial void LogFailed(ILogger logger, string server, string reason, Exception exception);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "MCP server {Server} stderr: {Line}")]
    private static partial void LogServerStderr(ILogger logger, string server, string line);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Disposing an MCP client failed")]
    private static partial void LogDisposeFailed(ILogger logger, Exception exception);
}
