using System.ComponentModel.DataAnnotations;

namespace Parley.Tools;

/// <summary>
/// Section <c>Parley:Tools</c>: which built-in tools exist, how they reach the network, and the MCP servers
/// whose tools are offered to models. A tool switched off here is off for every conversation.
/// </summary>
public sealed class ToolsOptions
{
    public const string Section = "Parley:Tools";

    /// <summary>Limits of the tool loop (rounds, per-tool timeout, result size).</summary>
    public ToolLoopOptions Loop { get; set; } = new();

    /// <summary>
    /// Exceptions to the rule that tools never contact loopback, private, link-local, CGNAT or cloud-metadata
    /// addresses. Each entry is a CIDR (<c>10.1.0.0/16</c>), an address (<c>192.168.1.5</c>), an address and port
    /// (<c>127.0.0.1:8888</c>, <c>[::1]:8080</c>), a host name (<c>searx.lan</c>) or a host name and port
    /// (<c>localhost:8888</c>). A self-hosted SearxNG on the local network needs its entry here.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    public WebSearchToolOptions WebSearch { get; set; } = new();

    public ReadWebPageToolOptions ReadWebPage { get; set; } = new();

    public ToolSwitch CurrentTime { get; set; } = new();

    public ToolSwitch Calculator { get; set; } = new();

    /// <summary>MCP servers by name; the name prefixes their tools (see <see cref="McpServerOptions.ToolPrefix"/>).</summary>
    public Dictionary<string, McpServerOptions> Mcp { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public class ToolSwitch
{
    /// <summary>False removes the tool for every conversation.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether conversations that chose no tools of their own get this tool. False makes it opt-in: offered by
    /// <c>GET /api/tools</c> and usable when a conversation (or a <c>/api/chat</c> request) names it in <c>tools</c>.
    /// </summary>
    public bool EnabledByDefault { get; set; } = true;
}

public sealed class WebSearchToolOptions
{
    /// <summary>Null means "on whenever <see cref="Backend"/> is set"; false switches it off even then.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Whether conversations that chose no tools of their own get web search; false makes it opt-in.</summary>
    public bool EnabledByDefault { get; set; } = true;

    /// <summary><c>searxng</c>, <c>brave</c> or <c>tavily</c>; empty means no web search.</summary>
    public string? Backend { get; set; }

    /// <summary>SearxNG's root (required for SearxNG); for Brave and Tavily, overrides the public API root.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Brave's subscription token or Tavily's API key.</summary>
    public string? ApiKey { get; set; }

    [Range(1, 20)]
    public int DefaultCount { get; set; } = 5;

    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 15;
}

public sealed class ReadWebPageToolOptions : ToolSwitch
{
    /// <summary>Bytes read from a response body at most; the rest is never downloaded.</summary>
    [Range(1024, 100_000_000)]
    public int MaxBytes { get; set; } = 2_000_000;

    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 20;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    public string UserAgent { get; set; } = "Parley/1.0 (+read_web_page)";
}

/// <summary>One MCP server: either a stdio <see cref="Command"/> or an HTTP <see cref="Url"/>.</summary>
public sealed class McpServerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Whether this server's tools are on for conversations that chose no tools of their own; false makes them opt-in.</summary>
    public bool EnabledByDefault { get; set; } = true;

    /// <summary>Executable started with stdio transport, e.g. <c>npx</c> or <c>/usr/local/bin/my-mcp</c>.</summary>
    public string? Command { get; set; }

    public List<string> Arguments { get; set; } = [];

    /// <summary>Extra environment variables for the stdio process.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    public string? WorkingDirectory { get; set; }

    /// <summary>Streamable HTTP (or SSE) endpoint; used when <see cref="Command"/> is empty.</summary>
    public string? Url { get; set; }

    /// <summary>Extra HTTP headers (e.g. <c>Authorization</c>) for <see cref="Url"/>.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>
    /// Prepended to each tool name. Null means <c>"{server name}__"</c> (so two servers' <c>search</c> tools and
    /// the built-ins never collide); an empty string exposes the server's names unchanged.
    /// </summary>
    public string? ToolPrefix { get; set; }

    [Range(1, 600)]
    public int ConnectTimeoutSeconds { get; set; } = 30;
}
