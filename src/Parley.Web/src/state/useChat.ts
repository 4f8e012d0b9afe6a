// The conversation hook: loads the conversation named by the URL, sends, streams
// (text batched per animation frame), stops, regenerates, edits and switches versions.
// A reply is a server-side job: when its stream drops, the hook resumes it from the last
// event id; a conversation opened (or reloaded) mid-reply attaches to the running reply.
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import * as api from '../api/conversations';
import { ApiError, friendlyMessage } from '../api/http';
import type { ConversationNotice, ConversationSettings, Message, SendBody, StreamEvent } from '../api/types';
import { readAsDataUrl } from '../lib/files';
import { navigate, sessionIdFromUrl } from '../lib/route';
import { findSession, startSession } from '../api/sessions';
import { activePath, buildIndex, newestLeafUnder, switchVersion as switchLeaf } from '../lib/tree';
import { chatReducer, initialChatState, type RetryPlan } from './chatReducer';

type StartStream = (signal: AbortSignal, cursor: api.StreamCursor) => AsyncGenerator<StreamEvent>;

/** Waits before the n-th reconnect (0-based): 0.25 s, 0.5 s, 1 s, 2 s, then 3 s. */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000, 3000, 3000, 3000];

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

export interface ChatOptions {
  /** Called after anything that changes the conversation list (sidebar refresh). */
  onListChanged: () => void;
  /** The user's preferences a new conversation starts with (what they chose in the draft wins). */
  newChatDefaults?: ConversationSettings;
}

function attachmentIds(m: Message): string[] {
  return m.content.flatMap((p) => (p.type === 'attachment' ? [p.id] : []));
}

function imageUrls(m: Message): string[] {
  return m.content.flatMap((p) => (p.type === 'image' ? [p.url] : []));
}

/** A send (not an edit) whose user message the server never stored: its text stays with the failure. */
export function unsentText(userId: string | null, plan: RetryPlan): string | undefined {
  return !userId && plan.kind === 'send' && !plan.edit ? plan.body.content : undefined;
}

async function toDataUrl(url: string): Promise<string> {
  if (url.startsWith('data:')) return url;
  const res = await fetch(url);
  return readAsDataUrl(await res.blob());
}

export function useChat(routeId: string | null, { onListChanged, newChatDefaults }: ChatOptions) {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const abortRef = useRef<AbortController | null>(null);
  const listChanged = useRef(onListChanged);
  listChanged.current = onListChanged;
  const defaults = useRef(newChatDefaults);
  defaults.current = newChatDefaults;

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

  /** Runs one stream to its end; returns true when the reply completed without error. */
  const run = useCallback(
    async (conversationId: string, start: StartStream, plan: RetryPlan) => {
      const ctl = new AbortController();
      abortRef.current = ctl;
      dispatch({ type: 'stream_started' });
      let pending = '';
      let frame = 0;
      const visible = () => stateRef.current.conversationId === conversationId;
      const flush = () => {
        if (frame) cancelAnimationFrame(frame);
        frame = 0;
        if (pending && visible()) dispatch({ type: 'text', text: pending });
        pending = '';
      };
      let ok = true;
      let ended = false;
      let userId: string | null = plan.kind === 'regenerate' ? plan.messageId : null;
      let assistantId: string | null = null;
      const cursor: api.StreamCursor = { lastId: 0 };
      let source = start(ctl.signal, cursor);
      try {
        for (let attempt = 0; ; ) {
          try {
            for await (const ev of source) {
              attempt = 0;
              if (ev.type === 'text') {
                pending += ev.content;
                if (!frame) frame = requestAnimationFrame(flush);
                continue;
              }
              flush();
              if (ev.type === 'user_message') userId = ev.message.id;
              if (ev.type === 'assistant_start') assistantId = ev.message.id;
              if (visible()) dispatch({ type: 'event', event: ev });
              if (ev.type === 'error' && ev.code !== 'cancelled') {
                ok = false;
                const retry: RetryPlan = userId ? { kind: 'regenerate', messageId: userId } : plan;
                const failure = { message: friendlyMessage(ev.code, ev.content), code: ev.code ?? 'internal', retry, unsent: unsentText(userId, plan) };
                if (visible()) dispatch({ type: 'failed', failure });
              }
              if (ev.type === 'title') listChanged.current();
              if (ev.type === 'assistant_end' || ev.type === 'error') ended = true;
            }
          } catch (e) {
            // A dropped connection is resumed below; anything else (a refusal before the reply started) ends the run.
            if (ctl.signal.aborted || !assistantId || !(e instanceof ApiError && e.isNetwork) && !(e instanceof TypeError)) throw e;
          }
          flush();
          if (ended || ctl.signal.aborted || !assistantId || attempt >= RECONNECT_DELAYS_MS.length) break;
          // The reply goes on server-side: continue it from the last event this tab received.
          await sleep(RECONNECT_DELAYS_MS[attempt++], ctl.signal);
          source = api.followReply(conversationId, assistantId, ctl.signal, cursor);
        }
        if (!ended && !ctl.signal.aborted) throw new ApiError('The connection closed before the reply finished. Retry.', 0, 'network');
      } catch (e) {
        flush();
        if ((e as Error).name === 'AbortError' || ctl.signal.aborted) {
          if (visible()) dispatch({ type: 'stopped' });
        } else {
          ok = false;
          const err = e instanceof ApiError ? e : new ApiError(friendlyMessage('network'), 0, 'network');
          const retry: RetryPlan = userId ? { kind: 'regenerate', messageId: userId } : plan;
          if (visible()) dispatch({ type: 'failed', failure: { message: err.message, code: err.code, retry, unsent: unsentText(userId, plan) } });
        }
      } finally {
        if (abortRef.current === ctl) abortRef.current = null;
        if (visible()) dispatch({ type: 'stream_ended' });
        // Reconcile with what the store kept (ids, final content, usage); a cancelled
        // reply is saved by the server a moment after the stream closes.
        if (ctl.signal.aborted) await new Promise((r) => setTimeout(r, 400));
        if (visible()) await load(conversationId);
        // A new reply is the newest leaf: the saved branch choice gives way to it.
        if (assistantId && visible() && stateRef.current.conversation?.selectedLeafId)
          await api.updateConversation(conversationId, { selectedLeafId: null }).then((c) => dispatch({ type: 'conversation', conversation: c }), () => undefined);
        listChanged.current();
      }
      return ok;
    },
    [load],
  );

  const ensureConversation = useCallback(async (): Promise<string> => {
    const s = stateRef.current;
    // An open conversation (even one still loading) takes the message; a missing one is replaced.
    if (s.conversationId && (s.conversation || (s.status !== 'missing' && s.status !== 'idle'))) return s.conversationId;
    const sid = sessionIdFromUrl();
    const created = sid ? await startSession(sid, { ...defaults.current, ...s.draft }) : await api.createConversation({ ...defaults.current, ...s.draft });
    dispatch({ type: 'loaded', conversation: { ...created, messages: [] }, adopt: true });
    stateRef.current = { ...stateRef.current, conversationId: created.id };
    // The session's URL becomes the conversation's own; Back then leads to the page before this chat.
    navigate(created.id, { replace: !!sid });
    listChanged.current();
    return created.id;
  }, []);

  const sendBody = useCallback(
    async (body: SendBody, edit = false): Promise<boolean> => {
      if (stateRef.current.streaming) return false;
      const plan: RetryPlan = { kind: 'send', body, edit };
      let id: string;
      try {
        id = await ensureConversation();
      } catch (e) {
        const err = e as ApiError;
        dispatch({ type: 'failed', failure: { message: err.message, code: err.code, retry: plan, unsent: unsentText(null, plan) } });
        return false;
      }
      return run(id, (signal, cursor) => api.sendMessage(id, body, signal, cursor), plan);
    },
    [ensureConversation, run],
  );

  /** Documents are uploaded to the conversation first; the message then names them by id. */
  const send = useCallback(
    async (content: string, images: string[] = [], documents: File[] = []) => {
      // The follow-up goes under the branch on screen, not under the newest message.
      const shown = pathRef.current;
      const body: SendBody = { content, parentId: stateRef.current.conversationId && shown.length ? shown[shown.length - 1] : null };
      if (images.length) body.images = images;
      if (documents.length) {
        if (stateRef.current.streaming) return false;
        let id: string;
        try {
          id = await ensureConversation();
          const uploaded = await Promise.all(documents.map((f) => api.uploadAttachment(id, f)));
          body.attachments = uploaded.map((u) => u.id);
        } catch (e) {
          const err = e as ApiError;
          dispatch({ type: 'failed', failure: { message: err.message, code: err.code, retry: null, unsent: content } });
          return false;
        }
        // The uploads belong to this conversation: send there, even if the view moved meanwhile.
        return run(id, (signal, cursor) => api.sendMessage(id, body, signal, cursor), { kind: 'send', body });
      }
      return sendBody(body);
    },
    [ensureConversation, run, sendBody],
  );

  const regenerateFrom = useCallback(
    (messageId: string) => {
      const id = stateRef.current.conversationId;
      if (!id || stateRef.current.streaming) return Promise.resolve(false);
      return run(id, (signal, cursor) => api.regenerate(id, messageId, signal, undefined, cursor), { kind: 'regenerate', messageId });
    },
    [run],
  );

  /** New reply for the turn of assistant message `assistantId`: regenerated from its user message. */
  const regenerate = useCallback(
    (assistantId: string) => {
      const { messages } = stateRef.current;
      let cur: Message | undefined = messages[assistantId];
      while (cur && cur.role !== 'user' && cur.parentId) cur = messages[cur.parentId];
      return regenerateFrom(cur?.role === 'user' ? cur.id : assistantId);
    },
    [regenerateFrom],
  );

  const edit = useCallback(
    async (messageId: string, content: string) => {
      const m = stateRef.current.messages[messageId];
      if (!m) return false;
      let images: string[] = [];
      try {
        images = await Promise.all(imageUrls(m).map(toDataUrl));
      } catch {
        images = [];
      }
      const body: SendBody = { content, parentId: m.parentId };
      if (images.length) body.images = images;
      const attachments = attachmentIds(m);
      if (attachments.length) body.attachments = attachments;
      return sendBody(body, true);
    },
    [sendBody],
  );

  // A reply being written (by another tab, or before a reload) is followed from its first event.
  const attached = useRef<string | null>(null);
  useEffect(() => {
    const { status, streaming, conversationId, messages } = state;
    if (status !== 'ready' || streaming || !conversationId) return;
    const running = Object.values(messages).find((m) => m.role === 'assistant' && m.status === 'streaming');
    if (!running || attached.current === running.id) return;
    attached.current = running.id;
    void run(conversationId, (signal, cursor) => api.followReply(conversationId, running.id, signal, cursor), {
      kind: 'regenerate',
      messageId: running.id,
    });
  }, [state, run]);

  /** Another tab (or instance) changed the open conversation: reload it (a reply it started is then followed). */
  const notice = useCallback(
    (n: ConversationNotice) => {
      const s = stateRef.current;
      if (n.conversationId !== s.conversationId || s.streaming || n.type === 'conversation_deleted') return;
      void load(n.conversationId);
    },
    [load],
  );

  const stop = useCallback(() => {
    const id = stateRef.current.conversationId;
    if (!stateRef.current.streaming || !id) return;
    api.cancelReply(id).catch(() => undefined);
    abortRef.current?.abort();
    dispatch({ type: 'stopped' });
  }, []);

  const retry = useCallback(() => {
    const plan = stateRef.current.failure?.retry;
    dispatch({ type: 'dismiss_failure' });
    if (!plan) return Promise.resolve(false);
    return plan.kind === 'send' ? sendBody(plan.body, plan.edit) : regenerateFrom(plan.messageId);
  }, [sendBody, regenerateFrom]);

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

  /** Saves settings (a draft until the conversation exists); throws ApiError when the server refuses them. */
  const saveSettings = useCallback(async (patch: ConversationSettings) => {
    const id = stateRef.current.conversationId;
    if (!id || !stateRef.current.conversation) {
      dispatch({ type: 'draft', patch });
      return;
    }
    const conversation = await api.updateConversation(id, patch);
    dispatch({ type: 'conversation', conversation });
    listChanged.current();
  }, []);

  /** saveSettings with a failure shown in the conversation. */
  const updateSettings = useCallback(async (patch: ConversationSettings) => {
    try {
      await saveSettings(patch);
    } catch (e) {
      dispatch({ type: 'failed', failure: { message: (e as ApiError).message, code: (e as ApiError).code, retry: null } });
    }
  }, [saveSettings]);

  const clear = useCallback(async () => {
    const id = stateRef.current.conversationId;
    if (!id) return;
    try {
      await api.clearConversation(id);
      dispatch({ type: 'cleared' });
      listChanged.current();
    } catch (e) {
      dispatch({ type: 'failed', failure: { message: (e as ApiError).message, code: (e as ApiError).code, retry: null } });
    }
  }, []);

  const dismissFailure = useCallback(() => dispatch({ type: 'dismiss_failure' }), []);

  return {
    state,
    index,
    path,
    send,
    stop,
    retry,
    regenerate,
    edit,
    switchVersion,
    loadOlder,
    saveSettings,
    updateSettings,
    clear,
    dismissFailure,
    notice,
    reload: load,
  };
}

export type Chat = ReturnType<typeof useChat>;
