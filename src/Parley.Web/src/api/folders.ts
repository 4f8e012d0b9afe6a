// /api/folders: the user's folders. Filing a conversation is PATCH /api/conversations/{id} with folderId.
import { getJson, jsonBody, send } from './http';
import type { Folder } from './types';

const base = '/api/folders';

export function listFolders(signal?: AbortSignal) {
  return getJson<Folder[]>(base, { signal });
}

export function createFolder(name: string) {
  return getJson<Folder>(base, { method: 'POST', ...jsonBody({ name }) });
}

export function renameFolder(id: string, name: string) {
  return getJson<Folder>(`${base}/${encodeURIComponent(id)}`, { method: 'PATCH', ...jsonBody({ name }) });
}

/** Its conversations move out of it; none is deleted. */
export async function deleteFolder(id: string) {
  await send(`${base}/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
