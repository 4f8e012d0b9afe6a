// /api/tools: the tools models can be offered, for the per-conversation switches.
import { getJson } from './http';

export interface ToolInfo {
  name: string;
  description: string;
  enabledByDefault: boolean;
  source: 'built-in' | 'mcp';
  /** The MCP server that provides the tool; null for built-in tools. */
  server: string | null;
}

export async function listTools(signal?: AbortSignal): Promise<ToolInfo[]> {
  const body = await getJson<{ tools?: Partial<ToolInfo>[] }>('/api/tools', { signal });
  return (body.tools ?? [])
    .filter((t): t is Partial<ToolInfo> & { name: string } => typeof t?.name === 'string')
    .map((t) => ({
      name: t.name,
      description: t.description ?? '',
      enabledByDefault: !!t.enabledByDefault,
      source: t.source === 'mcp' ? 'mcp' : 'built-in',
      server: t.server ?? null,
    }));
}
