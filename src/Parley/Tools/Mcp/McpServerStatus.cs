namespace Parley.Tools;

/// <summary>How the connection to one configured MCP server went.</summary>
public sealed record McpServerStatus(string Name, bool Connected, IReadOnlyList<string> ToolNames, string? Error);
