// /v1/models (OpenAI format, snake_case).
import { getJson } from './http';

export interface ModelInfo {
  id: string;
  label: string;
  isDefault: boolean;
  isMock: boolean;
  vision: boolean;
  /** The provider that serves it (`openai`, `anthropic`, `mock`, ...). */
  provider: string;
}

interface WireModel {
  id: string;
  display_name?: string;
  is_default?: boolean;
  is_mock?: boolean;
  vision?: boolean;
  owned_by?: string;
}

export function toModelInfo(m: WireModel): ModelInfo {
  let label = m.display_name || m.id;
  if (m.is_mock && !/mock/i.test(label)) label += ' (mock)';
  const provider = m.owned_by || m.id.split('/')[0] || '';
  return { id: m.id, label, isDefault: !!m.is_default, isMock: !!m.is_mock, vision: m.vision !== false, provider };
}

export async function listModels(): Promise<ModelInfo[]> {
  const body = await getJson<{ data: WireModel[] }>('/v1/models');
  // Aliases point at models already listed; the picker shows the models themselves.
  return (body.data ?? []).filter((m) => m.owned_by !== 'alias').map(toModelInfo);
}

/** Models grouped by provider, in the server's order. */
export function byProvider(models: ModelInfo[]): [string, ModelInfo[]][] {
  const groups = new Map<string, ModelInfo[]>();
  for (const m of models) groups.set(m.provider, [...(groups.get(m.provider) ?? []), m]);
  return [...groups];
}

/** The picker's option text: the label and what the model can do beyond text. */
export function optionLabel(m: ModelInfo): string {
  return m.vision ? `${m.label} · vision` : m.label;
}
