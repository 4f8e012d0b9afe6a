// /api/sessions/{sid}: seed 004's session ids. A session id names one conversation of this user.
import { ApiError, getJson, jsonBody } from './http';
import type { Conversation, ConversationSettings } from './types';

const base = '/api/sessions';

/** The session's conversation, or null when it has none yet. */
export async function findSession(sid: string, signal?: AbortSignal): Promise<Conversation | null> {
  try {
    return await getJson<Conversation>(`${base}/${encodeURIComponent(sid)}`, { signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Starts the session's conversation (with the draft's settings) or returns the one it has. */
export function startSession(sid: string, settings: ConversationSettings = {}) {
  return getJson<Conversation>(`${base}/${encodeURIComponent(sid)}`, { method: 'PUT', ...jsonBody(settings) });
}
