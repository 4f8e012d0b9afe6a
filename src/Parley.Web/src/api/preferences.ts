// /api/me/preferences: the caller's theme and what a new chat starts with, kept on the server.
import { getJson, jsonBody } from './http';

export type Theme = 'system' | 'light' | 'dark';

export interface Preferences {
  theme: Theme | null;
  defaultModel: string | null;
  systemPrompt: string | null;
  temperature: number | null;
}

export const emptyPreferences: Preferences = { theme: null, defaultModel: null, systemPrompt: null, temperature: null };

export async function getPreferences(signal?: AbortSignal): Promise<Preferences> {
  return { ...emptyPreferences, ...(await getJson<Partial<Preferences>>('/api/me/preferences', { signal, cache: 'no-store' })) };
}

/** Replaces every preference; throws ApiError with the server's sentence (naming the field) when one is refused. */
export async function savePreferences(p: Preferences): Promise<Preferences> {
  return { ...emptyPreferences, ...(await getJson<Partial<Preferences>>('/api/me/preferences', { method: 'PUT', ...jsonBody(p) })) };
}
