namespace Parley.Tools;

/// <summary>One tool as <c>GET /api/tools</c> lists it: what it is, whether it is on by default, where it comes from.</summary>
/// <param name="Source"><see cref="BuiltIn"/> or <see cref="Mcp"/>.</param>
/// <param name="Server">The configured MCP server's name for MCP tools; null for built-ins.</param>
public sealed record ToolInfo(string Name, string Description, bool EnabledByDefault, string Source, string? Server)
{
    public const string BuiltIn = "built-in";

    public const string Mcp = "mcp";
}
