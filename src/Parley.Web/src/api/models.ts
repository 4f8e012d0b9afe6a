// /v1/models (OpenAI format, snake_case).
import { getJson } from './http';

export interface ModelInfo {
  id: string;
  label: string;
  isDefault: boolean;
  isMock: boolean;
  vision: boolean;
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
  return { id: m.id, label, isDefault: !!m.is_default, isMock: !!m.is_mock, vision: m.vision !== false };
}

export async function listModels(): Promise<ModelInfo[]> {
  const body = await getJson<{ data: WireModel[] }>('/v1/models');
  return (body.data ?? []).map(toModelInfo);
}
