// useChat's paging half: follows the URL (/c/{id} or ?sid=) and loads the conversation's newest page (a short
// conversation comes whole), older turns of a long one before what is loaded, the branch on screen, versions
// (through the server when only one branch is loaded) and reloads when another tab changed the conversation.
import { useCallback, useEffect, useMemo, useRef, type Dispatch, type RefObject } from 'react';
import * as api from '../api/conversations';
import type { ApiError } from '../api/http';
import type { ConversationNotice } from '../api/types';
import { navigate, sessionIdFromUrl } from '../lib/route';
import { findSession } from '../api/sessions';
import { activePath, buildIndex, newestLeafUnder, switchVersion as switchLeaf } from '../lib/tree';
import type { ChatAction, ChatState } from './chatReducer';

export function useChatPages(routeId: string | null, state: ChatState, dispatch: Dispatch<ChatAction>, stateRef: RefObject<ChatState>) {
  /** Loads the newest page of the conversation's branch (through `leaf` when given; a short conversation comes whole). */
  const load = useCallback(async (id: string, signal?: AbortSignal, leaf?: string): Promise<boolean> => {
    try {
      const page = await api.getMessagePage(id, { leaf }, signal);
      if (!page.conversation) return false;
      dispatch({ type: 'loaded', conversation: { ...page.conversation, messages: page.messages }, page });
      return true;
    } catch (e) {
      if ((e as Error).name === 'AbortError') return false;
      const err = e as ApiError;
      dispatch({ type: 'load_failed', conversationId: id, message: err.message, missing: err.status === 404 });
      return false;
    }
  }, []);

  // Follow the URL: /c/{id} (or ?sid=) loads that conversation; / is a new chat.
  useEffect(() => {
    if (routeId === stateRef.current.conversationId && stateRef.current.status !== 'idle') return;
    const sid = sessionIdFromUrl();
    // Seed 004's ?sid=: a new chat until the session has a conversation; then its canonical /c/{id}.
    dispatch({ type: 'reset', conversationId: sid ? null : routeId });
    if (!routeId) return;
    const ctl = new AbortController();
    if (sid) {
      void findSession(sid, ctl.signal).then((found) => {
        if (!found || ctl.signal.aborted) return;
        dispatch({ type: 'loaded', conversation: found, adopt: true });
        stateRef.current = { ...stateRef.current, conversationId: found.id };
        navigate(found.id, { replace: true });
      }, () => undefined);
      return () => ctl.abort();
    }
    void load(routeId, ctl.signal);
    return () => ctl.abort();
  }, [routeId, load]);

  const index = useMemo(() => buildIndex(state.nodes), [state.nodes]);
  // The leaf may have grown children since it was chosen (follow-ups sent on its branch): show the newest of them.
  const path = useMemo(
    () => activePath(index, state.leafId && index.parent.has(state.leafId) ? newestLeafUnder(index, state.leafId) : null),
    [index, state.leafId],
  );
  const pathRef = useRef(path);
  pathRef.current = path;

  /** Another tab (or instance) changed the open conversation: reload it (a reply it started is then followed). */
  const notice = useCallback(
    (n: ConversationNotice) => {
      const s = stateRef.current;
      if (n.conversationId !== s.conversationId || s.streaming || n.type === 'conversation_deleted') return;
      void load(n.conversationId);
    },
    [load],
  );

  const switchVersion = useCallback(
    (messageId: string, delta: number) => {
      const leaf = switchLeaf(index, messageId, delta);
      if (!leaf) return;
      dispatch({ type: 'select_leaf', leafId: leaf });
      // Saved with the conversation, so a reload (or another device) shows the same branch.
      const id = stateRef.current.conversationId;
      if (!id || !stateRef.current.conversation) return;
      const save = (selectedLeafId: string) =>
        api.updateConversation(id, { selectedLeafId }).then((c) => dispatch({ type: 'conversation', conversation: c }), () => undefined);
      // A long conversation holds only the branch on screen: the server brings the chosen version's branch.
      if (stateRef.current.paged)
        api.getMessagePage(id, { leaf }).then((page) => {
          if (page.conversation) dispatch({ type: 'loaded', conversation: { ...page.conversation, messages: page.messages }, page });
          if (page.leafId) void save(page.leafId);
        }, () => undefined);
      else void save(leaf);
    },
    [index],
  );

  /** Loads the older turns of a long conversation's branch (before what is loaded); resolves when they are in. */
  const loadingOlder = useRef(false);
  const loadOlder = useCallback(async () => {
    const { conversationId: id, older, leafId } = stateRef.current;
    if (!id || !older || loadingOlder.current) return;
    loadingOlder.current = true;
    try {
      const page = await api.getMessagePage(id, { before: older, leaf: leafId ?? undefined });
      dispatch({ type: 'older_loaded', conversationId: id, messages: page.messages, olderCursor: page.olderCursor, olderTotals: page.older });
    } catch (e) {
      dispatch({ type: 'failed', failure: { message: (e as ApiError).message, code: (e as ApiError).code, retry: null } });
    } finally {
      loadingOlder.current = false;
    }
  }, []);

  return { load, index, path, pathRef, notice, switchVersion, loadOlder };
}
