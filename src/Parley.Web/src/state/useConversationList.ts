// The sidebar's list: search, refresh, rename, pin and file in folders, and delete with a few seconds to undo.
// Pinned and filed conversations are loaded whole beside the pages by date, so their groups are complete.
import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '../api/conversations';
import type { ApiError } from '../api/http';
import type { ConversationSummary } from '../api/types';

const UNDO_MS = 5_000;

export interface PendingDelete {
  item: ConversationSummary;
  timer: number;
}

export function useConversationList() {
  const [items, setItems] = useState<ConversationSummary[]>([]);
  const [query, setQuery] = useState('');
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingDelete | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const pendingRef = useRef<PendingDelete | null>(null);
  pendingRef.current = pending;
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const q = query.trim() || undefined;
      const [page, organised] = await Promise.all([
        api.listConversations({ q }),
        q ? null : api.listConversations({ organised: true, limit: 200 }),
      ]);
      if (mine !== seq.current) return;
      setItems(organised ? [...page.items, ...organised.items.filter((c) => !page.items.some((x) => x.id === c.id))] : page.items);
      setCursor(page.nextCursor ?? null);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError((e as ApiError).message);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [query]);

  useEffect(() => {
    const t = window.setTimeout(() => void refresh(), query ? 250 : 0);
    return () => window.clearTimeout(t);
  }, [refresh, query]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    const mine = seq.current;
    try {
      const page = await api.listConversations({ q: query.trim() || undefined, cursor });
      if (mine !== seq.current) return;
      setItems((cur) => [...cur, ...page.items.filter((c) => !cur.some((x) => x.id === c.id))]);
      setCursor(page.nextCursor ?? null);
    } catch (e) {
      setError((e as ApiError).message);
    }
  }, [cursor, query]);

  const rename = useCallback(async (id: string, title: string) => {
    setItems((list) => list.map((c) => (c.id === id ? { ...c, title } : c)));
    try {
      await api.updateConversation(id, { title });
    } catch (e) {
      setError((e as ApiError).message);
    }
    void refresh();
  }, [refresh]);

  /** Pins, unpins or files the conversation (folderId null: out of its folder); the list shows it at once. */
  const organise = useCallback(async (id: string, patch: { pinned?: boolean; folderId?: string | null }) => {
    setItems((list) => list.map((c) => (c.id === id ? { ...c, ...patch } : c)));
    try {
      await api.updateConversation(id, patch);
    } catch (e) {
      setError((e as ApiError).message);
    }
    void refresh();
  }, [refresh]);

  const commitDelete = useCallback(async (p: PendingDelete, keepalive = false) => {
    window.clearTimeout(p.timer);
    try {
      await api.deleteConversation(p.item.id, keepalive);
    } catch (e) {
      setError((e as ApiError).message);
    }
  }, []);

  /** Hides the conversation now and deletes it after UNDO_MS unless undone. */
  const remove = useCallback((item: ConversationSummary) => {
    const prev = pendingRef.current;
    if (prev) void commitDelete(prev);
    const p: PendingDelete = {
      item,
      timer: window.setTimeout(() => {
        void commitDelete(p).then(() => {
          setPending((cur) => (cur === p ? null : cur));
          void refresh();
        });
      }, UNDO_MS),
    };
    setPending(p);
  }, [commitDelete, refresh]);

  const undo = useCallback(() => {
    const p = pendingRef.current;
    if (!p) return;
    window.clearTimeout(p.timer);
    setPending(null);
  }, []);

  // Leaving the page commits a pending delete.
  useEffect(() => {
    const onHide = () => {
      const p = pendingRef.current;
      if (p) void commitDelete(p, true);
    };
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [commitDelete]);

  const visible = pending ? items.filter((c) => c.id !== pending.item.id) : items;
  return { items: visible, query, setQuery, loading, error, refresh, loadMore, hasMore: !!cursor, rename, organise, remove, undo, pending };
}
