using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Errors;

namespace Parley.Tools;

/// <summary>
/// The tools Parley offers models: the built-ins switched on in <see cref="ToolsOptions"/> (<c>read_web_page</c>,
/// <c>current_time</c> and <c>calculator</c> by default; <c>web_search</c> when a backend is configured) and the
/// tools of connected MCP servers. <see cref="GetTools"/> narrows them per request (per-conversation switches).
/// </summary>
public sealed class ToolCatalog : IDisposable
{
    private readonly IReadOnlyList<AIFunction> _builtIn;
    private readonly HashSet<string> _optInBuiltIns = new(StringComparer.Ordinal);
    private readonly ToolsOptions _options;
    private readonly McpToolSource? _mcp;
    private readonly List<IDisposable> _owned = [];

    public ToolCatalog(IOptions<ToolsOptions> options, McpToolSource? mcp = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.Value;
        _options = config;
        _mcp = mcp;
        AddressPolicy = new AddressPolicy(config.AllowedNetworks);

        var tools = new List<AIFunction>();
        if (WebSearchEnabled(config.WebSearch))
        {
            var http = Own(GuardedHttp.CreateClient(AddressPolicy, TimeSpan.FromSeconds(config.WebSearch.TimeoutSeconds), "Parley/1.0"));
            http.MaxResponseContentBufferSize = 4 * 1024 * 1024;
            var backend = WebSearchBackends.Create(config.WebSearch, http)!;
            var search = new WebSearchTool(backend, config.WebSearch.DefaultCount);
            tools.Add(AIFunctionFactory.Create(search.SearchAsync, WebSearchTool.ToolName, WebSearchTool.Description));
        }

        if (config.ReadWebPage.Enabled)
        {
            // The reader enforces its own deadline; the client's timeout is only a backstop.
            var http = Own(GuardedHttp.CreateClient(AddressPolicy, TimeSpan.FromSeconds(config.ReadWebPage.TimeoutSeconds + 5)));
            var reader = new WebPageReader(http, config.ReadWebPage);
            tools.Add(AIFunctionFactory.Create(
                ([System.ComponentModel.Description("The absolute http:// or https:// URL of the page.")] string url, CancellationToken cancellationToken) =>
                    reader.ReadAsync(url, cancellationToken),
                WebPageReader.ToolName,
                WebPageReader.Description));
        }

        if (config.CurrentTime.Enabled)
        {
            var time = new CurrentTime(clock ?? TimeProvider.System);
            tools.Add(AIFunctionFactory.Create(
                ([System.ComponentModel.Description("Optional IANA time zone, e.g. \"Europe/Paris\"; UTC when omitted.")] string? timezone = null) =>
                    time.Now(timezone),
                CurrentTime.ToolName,
                CurrentTime.Description));
        }

        if (config.Calculator.Enabled)
        {
            tools.Add(AIFunctionFactory.Create(
                ([System.ComponentModel.Description("The arithmetic expression, e.g. \"(2 + 3) * 4 ^ 2\".")] string expression) =>
                    Calculator.Run(expression),
                Calculator.ToolName,
                Calculator.Description));
        }

        _builtIn = tools;
        if (!config.WebSearch.EnabledByDefault)
            _optInBuiltIns.Add(WebSearchTool.ToolName);
        if (!config.ReadWebPage.EnabledByDefault)
            _optInBuiltIns.Add(WebPageReader.ToolName);
        if (!config.CurrentTime.EnabledByDefault)
            _optInBuiltIns.Add(CurrentTime.ToolName);
        if (!config.Calculator.EnabledByDefault)
            _optInBuiltIns.Add(Calculator.ToolName);
    }

    /// <summary>The SSRF policy built from <see cref="ToolsOptions.AllowedNetworks"/>, shared by the network tools.</summary>
    public AddressPolicy AddressPolicy { get; }

    /// <summary>Every globally enabled tool: built-ins first, then MCP tools of connected servers.</summary>
    public IReadOnlyList<AIFunction> All => [.. _builtIn, .. _mcp?.Tools ?? []];

    /// <summary>Every globally enabled tool with what a UI needs to show a switch for it, in <see cref="All"/>'s order.</summary>
    public IReadOnlyList<ToolInfo> Describe()
    {
        var servers = McpServersByTool();
        return [.. All.Select(t => servers.TryGetValue(t.Name, out var server)
            ? new ToolInfo(t.Name, t.Description, IsOnByDefault(t.Name, servers), ToolInfo.Mcp, server)
            : new ToolInfo(t.Name, t.Description, IsOnByDefault(t.Name, servers), ToolInfo.BuiltIn, null))];
    }

    /// <summary>
    /// The tools for one request, ready for <see cref="ChatOptions.Tools"/>. With no <paramref name="include"/>, the
    /// tools enabled by default; otherwise only those named (unknown or globally disabled names are ignored, so a
    /// conversation that names a tool of an MCP server that is gone still works). Names in <paramref name="exclude"/>
    /// are removed.
    /// </summary>
    public IList<AITool> GetTools(IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        IEnumerable<AIFunction> tools = All;
        if (include is not null)
        {
            var wanted = include.ToHashSet(StringComparer.Ordinal);
            tools = tools.Where(t => wanted.Contains(t.Name));
        }
        else
        {
            var servers = McpServersByTool();
            tools = tools.Where(t => IsOnByDefault(t.Name, servers)).ToList();
        }

        if (exclude is not null)
        {
            var unwanted = exclude.ToHashSet(StringComparer.Ordinal);
            tools = tools.Where(t => !unwanted.Contains(t.Name));
        }

        return [.. tools];
    }

    /// <summary>
    /// Checks tool names a client chose (a conversation's or a request's <c>tools</c>) and returns them without
    /// duplicates; a name that is not an enabled tool is refused with <c>invalid_request</c>, listing the available ones.
    /// </summary>
    public IReadOnlyList<string> RequireKnown(IEnumerable<string?> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var available = All.Select(t => t.Name).ToList();
        var chosen = new List<string>();
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name) || !available.Contains(name, StringComparer.Ordinal))
            {
                var listed = available.Count == 0 ? "none are enabled on this server" : "available: " + string.Join(", ", available);
                throw new ParleyException(ErrorCodes.InvalidRequest, 400,
                    $"There is no tool named '{name}' ({listed}). See GET /api/tools.");
            }

            if (!chosen.Contains(name, StringComparer.Ordinal))
                chosen.Add(name);
        }

        return chosen;
    }

    public void Dispose()
    {
        foreach (var disposable in _owned)
            disposable.Dispose();
        _owned.Clear();
    }

    private bool IsOnByDefault(string name, Dictionary<string, string> mcpServers) =>
        mcpServers.TryGetValue(name, out var server)
            ? !_options.Mcp.TryGetValue(server, out var options) || options.EnabledByDefault
            : !_optInBuiltIns.Contains(name);

    /// <summary>MCP tool name → the configured server it came from.</summary>
    private Dictionary<string, string> McpServersByTool()
    {
        var byTool = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var server in _mcp?.Servers ?? [])
        {
            foreach (var tool in server.ToolNames)
                byTool.TryAdd(tool, server.Name);
        }

        return byTool;
    }

    private static bool WebSearchEnabled(WebSearchToolOptions options) =>
        (options.Enabled ?? true) && !string.IsNullOrWhiteSpace(options.Backend);

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
