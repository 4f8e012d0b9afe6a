// Share links: create (a frozen branch), list and revoke one's own, read one by its token (no sign-in).
import { ApiError, getJson, jsonBody, send } from './http';

export interface ShareLink {
  token: string;
  url: string;
  conversationId: string;
  leafId: string | null;
  title: string;
  messages: number;
  createdAt: string;
}

export interface SharedMessage {
  role: 'user' | 'assistant';
  text: string;
  images: number;
  model: string | null;
  createdAt: string;
}

export interface SharedConversation {
  title: string;
  sharedAt: string;
  messages: SharedMessage[];
}

export function createShare(conversationId: string, leafId: string | null): Promise<ShareLink> {
  return getJson<ShareLink>(`/api/conversations/${encodeURIComponent(conversationId)}/shares`, { method: 'POST', ...jsonBody({ leafId }) });
}

export function listShares(signal?: AbortSignal): Promise<ShareLink[]> {
  return getJson<ShareLink[]>('/api/shares', { signal, cache: 'no-store' });
}

export async function revokeShare(token: string): Promise<void> {
  await send(`/api/shares/${encodeURIComponent(token)}`, { method: 'DELETE' });
}

/** The public snapshot; an ApiError 404 when the link is unknown or revoked. Never triggers the sign-in screen. */
export async function getShared(token: string, signal?: AbortSignal): Promise<SharedConversation> {
  const res = await fetch(`/api/shared/${encodeURIComponent(token)}`, { signal, credentials: 'omit', cache: 'no-store' });
  if (!res.ok) {
    let detail = `The server answered ${res.status}.`;
    try {
      detail = ((await res.json()) as { detail?: string }).detail ?? detail;
    } catch {
      /* not JSON */
    }
    throw new ApiError(detail, res.status, res.status === 404 ? 'share_not_found' : `http_${res.status}`);
  }
  return (await res.json()) as SharedConversation;
}

export function absoluteUrl(path: string): string {
  return new URL(path, window.location.origin).toString();
}
