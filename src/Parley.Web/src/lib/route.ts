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

const EVENT = 'parley:navigate';

export function navigate(conversationId: string | null, opts: { replace?: boolean } = {}): void {
  const url = conversationId ? `/c/${encodeURIComponent(conversationId)}` : '/';
  if (url === window.location.pathname && !window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(EVENT));
}

/** The conversation id in the URL, updated on navigate() and the back/forward buttons. */
export function useRouteConversationId(): string | null {
  const [id, setId] = useState(() => conversationIdFromUrl(window.location));
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
