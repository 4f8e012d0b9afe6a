// /api/auth: who is signed in, sign in and out, change password.
import { ApiError, getJson, jsonBody, send } from './http';

export type AuthMode = 'single-user' | 'accounts';

export interface SessionUser {
  name: string;
  isAdmin: boolean;
}

export interface Session {
  user: SessionUser;
  mode: AuthMode;
  via: 'local' | 'session' | 'key';
}

/** The current session; null when the server wants a sign-in (401). Throws ApiError for anything else. */
export async function getSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    return await getJson<Session>('/api/auth/session', { signal, cache: 'no-store' });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function login(username: string, password: string) {
  return getJson<Session>('/api/auth/login', { method: 'POST', ...jsonBody({ username, password }) });
}

export async function logout() {
  await send('/api/auth/logout', { method: 'POST' });
}

export async function changePassword(currentPassword: string, newPassword: string) {
  await send('/api/auth/password', { method: 'POST', ...jsonBody({ currentPassword, newPassword }) });
}
