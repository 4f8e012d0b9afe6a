// A conversation's tool setting: null = the tools enabled by default, [] = none, else the named tools.
import type { ToolInfo } from '../api/tools';

export type ToolSetting = string[] | null;

/** The names of the tools a conversation is offered, among those the server lists. */
export function effectiveTools(setting: ToolSetting | undefined, tools: readonly ToolInfo[]): Set<string> {
  if (setting == null) return new Set(tools.filter((t) => t.enabledByDefault).map((t) => t.name));
  const wanted = new Set(setting);
  return new Set(tools.filter((t) => wanted.has(t.name)).map((t) => t.name));
}

/** The explicit list after switching one tool on or off, in the server's order. */
export function toggleTool(setting: ToolSetting | undefined, tools: readonly ToolInfo[], name: string, on: boolean): string[] {
  const next = effectiveTools(setting, tools);
  if (on) next.add(name);
  else next.delete(name);
  return tools.filter((t) => next.has(t.name)).map((t) => t.name);
}

/** Names in an explicit setting that the server does not list now (e.g. an MCP server that is not connected). */
export function unavailableTools(setting: ToolSetting | undefined, tools: readonly ToolInfo[]): string[] {
  if (setting == null) return [];
  const known = new Set(tools.map((t) => t.name));
  return setting.filter((n) => !known.has(n));
}

export function sameSetting(a: ToolSetting | undefined, b: ToolSetting | undefined): boolean {
  if (a == null || b == null) return (a ?? null) === (b ?? null);
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
