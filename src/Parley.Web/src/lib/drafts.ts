// Unsent text per user and conversation, in localStorage: it survives a reload, a lost
// session and signing in again; signing out on purpose forgets the user's drafts.
const PREFIX = 'parley.draft:';
/** Drafts kept per user; the oldest beyond this are dropped. */
export const MAX_DRAFTS = 50;

export function draftKey(user: string, conversationId: string | null): string {
  return `${PREFIX}${encodeURIComponent(user)}:${conversationId ?? 'new'}`;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function loadDraft(key: string): string {
  const raw = storage()?.getItem(key);
  if (!raw) return '';
  try {
    const parsed = JSON.parse(raw) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text : '';
  } catch {
    return '';
  }
}

function keysOf(store: Storage, prefix: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < store.length; i++) {
    const k = store.key(i);
    if (k?.startsWith(prefix)) keys.push(k);
  }
  return keys;
}

/** Saves (or, for empty text, removes) a draft; keeps at most MAX_DRAFTS per user. */
export function saveDraft(key: string, text: string, now = Date.now()): void {
  const store = storage();
  if (!store) return;
  if (!text) {
    store.removeItem(key);
    return;
  }
  try {
    store.setItem(key, JSON.stringify({ text, at: now }));
  } catch {
    return; // storage full or disabled: the draft lives only in the box
  }
  const userPrefix = key.slice(0, key.lastIndexOf(':') + 1);
  const keys = keysOf(store, userPrefix);
  if (keys.length <= MAX_DRAFTS) return;
  const age = (k: string) => {
    try {
      return Number((JSON.parse(store.getItem(k) ?? '{}') as { at?: number }).at) || 0;
    } catch {
      return 0;
    }
  };
  keys.sort((a, b) => age(a) - age(b)).slice(0, keys.length - MAX_DRAFTS).forEach((k) => store.removeItem(k));
}

/** Forgets every draft of `user` (sign-out). */
export function clearDrafts(user: string): void {
  const store = storage();
  if (!store) return;
  keysOf(store, `${PREFIX}${encodeURIComponent(user)}:`).forEach((k) => store.removeItem(k));
}
