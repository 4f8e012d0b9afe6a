// useChat's send half: sends (creating the conversation first when needed, uploading documents), streams the reply
// (text batched per animation frame), resumes a dropped stream from its last event id, follows a reply another tab
// started, stops, regenerates, edits, and retries a failed send once.
import { useCallback, useEffect, useRef, type Dispatch, type RefObject } from 'react';
import * as api from '../api/conversations';
import { ApiError, friendlyMessage } from '../api/http';
import type { ConversationSettings, Message, SendBody, StreamEvent } from '../api/types';
import { readAsDataUrl } from '../lib/files';
import { navigate, sessionIdFromUrl } from '../lib/route';
import { startSession } from '../api/sessions';
import type { ChatAction, ChatState, RetryPlan } from './chatReducer';

type StartStream = (signal: AbortSignal, cursor: api.StreamCursor) => AsyncGenerator<StreamEvent>;

/** Waits before the n-th reconnect (0-based): 0.25 s, 0.5 s, 1 s, 2 s, then 3 s. */
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 3000, 3000, 3000, 3000];

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

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

interface SendDeps {
  state: ChatState;
  dispatch: Dispatch<ChatAction>;
  stateRef: RefObject<ChatState>;
  /** The branch on screen (a follow-up goes under its last message). */
  pathRef: RefObject<string[]>;
  /** Reloads the conversation from the server (after a reply, to reconcile with what was stored). */
  load: (id: string) => Promise<boolean>;
  listChanged: RefObject<() => void>;
  defaults: RefObject<ConversationSettings | undefined>;
}

export function useChatSend({ state, dispatch, stateRef, pathRef, load, listChanged, defaults }: SendDeps) {
  const abortRef = useRef<AbortController | null>(null);

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

  return { send, stop, retry, regenerate, edit };
}
