// /api/admin/users: local accounts (administrators only).
import { getJson, jsonBody, send } from './http';

export interface UserAccount {
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export async function listUsers(signal?: AbortSignal): Promise<UserAccount[]> {
  const body = await getJson<{ items: UserAccount[] }>('/api/admin/users', { signal, cache: 'no-store' });
  return body.items ?? [];
}

export async function createUser(name: string, password: string, isAdmin: boolean) {
  await send('/api/admin/users', { method: 'POST', ...jsonBody({ name, password, isAdmin }) });
}

export async function deleteUser(name: string) {
  await send(`/api/admin/users/${encodeURIComponent(name)}`, { method: 'DELETE' });
}
