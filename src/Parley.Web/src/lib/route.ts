// The URL names the conversation: /c/{id}, or seed 004's /?sid={id}.
import { useEffect, useState } from 'react';

export function conversationIdFromUrl(loc: { pathname: string; search: string }): string | null {
  const m = /^\/c\/([^/?#]+)/.exec(loc.pathname);
  if (m) return decodeURIComponent(m[1]);
  const sid = new URLSearchParams(loc.search).get('sid');
  return sid ? sid : null;
}

/** Seed 004's session id in the URL (?sid=), when the URL names no /c/{id}. */
export function sessionIdFromUrl(loc: { pathname: string; search: string } = window.location): string | null {
  if (/^\/c\//.test(loc.pathname)) return null;
  return new URLSearchParams(loc.search).get('sid') || null;
}

/** A fresh session id: 12 hex digits, like seed 004's ?sid=abc123def456. */
export function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const EVENT = 'parley:navigate';

/** Opens a conversation (/c/{id}), or a new chat (null) under a session id of its own (seed 004's /?sid=). */
export function navigate(conversationId: string | null, opts: { replace?: boolean } = {}): void {
  const url = conversationId ? `/c/${encodeURIComponent(conversationId)}` : `/?sid=${newSessionId()}`;
  if (url === window.location.pathname && !window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(EVENT));
}

/** The conversation id in the URL, updated on navigate() and the back/forward buttons. */
export function useRouteConversationId(): string | null {
  const [id, setId] = useState(() => {
    // A fresh visit gets a session id in its URL (seed 004), so a refresh or a bookmark returns to this chat.
    if (window.location.pathname === '/' && !window.location.search) window.history.replaceState(null, '', `/?sid=${newSessionId()}`);
    return conversationIdFromUrl(window.location);
  });
  useEffect(() => {
    const update = () => setId(conversationIdFromUrl(window.location));
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return id;
}
