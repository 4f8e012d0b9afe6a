// /api/keys: API keys for /v1 and the other APIs. The secret is only in the create answer.
import { getJson, jsonBody, send } from './http';

export interface ApiKey {
  id: string;
  name: string;
  owner: string;
  prefix: string;
  /** Empty = every model. */
  models: string[];
  requestsPerMinute: number | null;
  dailyTokenLimit: number | null;
  maxConcurrentStreams: number | null;
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedKey extends ApiKey {
  /** The secret (`pk_...`), shown exactly once. */
  key: string;
}

export interface NewKey {
  name: string;
  owner?: string;
  models?: string[];
  requestsPerMinute?: number;
  dailyTokenLimit?: number;
  maxConcurrentStreams?: number;
  expiresAt?: string;
}

export async function listKeys(all = false, signal?: AbortSignal): Promise<ApiKey[]> {
  const body = await getJson<{ items: ApiKey[] }>(all ? '/api/keys?all=true' : '/api/keys', { signal, cache: 'no-store' });
  return body.items ?? [];
}

export function createKey(key: NewKey) {
  return getJson<CreatedKey>('/api/keys', { method: 'POST', ...jsonBody(key) });
}

export async function revokeKey(id: string) {
  await send(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
