using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Parley.Tools;

/// <summary>
/// The tools Parley offers models: the built-ins switched on in <see cref="ToolsOptions"/> (<c>read_web_page</c>,
/// <c>current_time</c> and <c>calculator</c> by default; <c>web_search</c> when a backend is configured) and the
/// tools of connected MCP servers. <see cref="GetTools"/> narrows them per request (per-conversation switches).
/// </summary>
public sealed class ToolCatalog : IDisposable
{
    private readonly IReadOnlyList<AIFunction> _builtIn;
    private readonly McpToolSource? _mcp;
    private readonly List<IDisposable> _owned = [];

    public ToolCatalog(IOptions<ToolsOptions> options, McpToolSource? mcp = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.Value;
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
    }

    /// <summary>The SSRF policy built from <see cref="ToolsOptions.AllowedNetworks"/>, shared by the network tools.</summary>
    public AddressPolicy AddressPolicy { get; }

    /// <summary>Every globally enabled tool: built-ins first, then MCP tools of connected servers.</summary>
    public IReadOnlyList<AIFunction> All => [.. _builtIn, .. _mcp?.Tools ?? []];

    /// <summary>
    /// The tools for one request, ready for <see cref="ChatOptions.Tools"/>. With no <paramref name="include"/>, all
    /// enabled tools; otherwise only those named (unknown or globally disabled names are ignored). Names in
    /// <paramref name="exclude"/> are removed (a conversation switching a default tool off).
    /// </summary>
    public IList<AITool> GetTools(IEnumerable<string>? include = null, IEnumerable<string>? exclude = null)
    {
        IEnumerable<AIFunction> tools = All;
        if (include is not null)
        {
            var wanted = include.ToHashSet(StringComparer.Ordinal);
            tools = tools.Where(t => wanted.Contains(t.Name));
        }

        if (exclude is not null)
        {
            var unwanted = exclude.ToHashSet(StringComparer.Ordinal);
            tools = tools.Where(t => !unwanted.Contains(t.Name));
        }

        return [.. tools];
    }

    public void Dispose()
    {
        foreach (var disposable in _owned)
            disposable.Dispose();
        _owned.Clear();
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
