// Conversation state: one reducer, pure, so every transition is unit-tested.
import type { ContentPart, Conversation, ConversationSettings, Message, SendBody, StreamEvent } from '../api/types';
import type { ConversationStats } from '../lib/stats';
import type { TreeNode } from '../lib/tree';

const NO_TOTALS: ConversationStats = { messages: 0, tokens: 0 };

/** How a failed turn is tried again. An edit is a send too, but its text is never offered back as an unsent message. */
export type RetryPlan = { kind: 'send'; body: SendBody; edit?: boolean } | { kind: 'regenerate'; messageId: string };

export interface Failure {
  message: string;
  code: string;
  retry: RetryPlan | null;
  /** The text of a message that never reached the server (shown with the failure, offered back to the box). */
  unsent?: string;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'missing' | 'error';

export interface ChatState {
  conversationId: string | null;
  conversation: Conversation | null;
  messages: Record<string, Message>;
  /** Tree structure in insertion order; changes only when a message is added. */
  nodes: TreeNode[];
  leafId: string | null;
  status: LoadStatus;
  loadError: string | null;
  streaming: { assistantId: string | null } | null;
  failure: Failure | null;
  /** Settings chosen before the conversation exists. */
  draft: ConversationSettings;
  /** Only part of a long conversation is loaded: its active branch from the server, with versions of those messages. */
  paged: boolean;
  /** Cursor for the older turns of the branch (GET …/messages?before=); null when they are all loaded. */
  older: string | null;
  /** What the branch holds before the loaded messages (from the server), so the header counts the whole branch. */
  olderTotals: ConversationStats;
}

/** How a page of GET /api/conversations/{id}/messages was cut. */
export interface PageInfo {
  complete: boolean;
  olderCursor: string | null;
  leafId: string | null;
  older?: ConversationStats;
}

export type ChatAction =
  | { type: 'reset'; conversationId: string | null }
  /**
   * A conversation read from the server. It applies to the conversation in view only: a late answer for one the user
   * has left is dropped. `adopt` makes it the conversation in view (a new chat's first send, a ?sid= session found).
   */
  | { type: 'loaded'; conversation: Conversation; adopt?: boolean; page?: PageInfo }
  /** Older turns of the branch in view, put before what is loaded. */
  | { type: 'older_loaded'; conversationId: string; messages: Message[]; olderCursor: string | null; olderTotals?: ConversationStats }
  | { type: 'load_failed'; conversationId: string; message: string; missing: boolean }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'draft'; patch: ConversationSettings }
  | { type: 'stream_started' }
  | { type: 'event'; event: StreamEvent }
  | { type: 'text'; text: string }
  | { type: 'stopped' }
  | { type: 'stream_ended' }
  | { type: 'failed'; failure: Failure }
  | { type: 'dismiss_failure' }
  | { type: 'select_leaf'; leafId: string | null }
  | { type: 'cleared' };

export const initialChatState: ChatState = {
  conversationId: null,
  conversation: null,
  messages: {},
  nodes: [],
  leafId: null,
  status: 'idle',
  loadError: null,
  streaming: null,
  failure: null,
  draft: {},
  paged: false,
  older: null,
  olderTotals: NO_TOTALS,
};

function byCreated(a: Message, b: Message): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt);
}

function withMessage(state: ChatState, message: Message): ChatState {
  const exists = message.id in state.messages;
  return {
    ...state,
    messages: { ...state.messages, [message.id]: message },
    nodes: exists ? state.nodes : [...state.nodes, { id: message.id, parentId: message.parentId }],
  };
}

function updateMessage(state: ChatState, id: string | null | undefined, fn: (m: Message) => Message): ChatState {
  const m = id ? state.messages[id] : undefined;
  if (!m) return state;
  return { ...state, messages: { ...state.messages, [m.id]: fn(m) } };
}

export function appendText(m: Message, text: string): Message {
  const content = [...m.content];
  const last = content[content.length - 1];
  if (last?.type === 'text') content[content.length - 1] = { type: 'text', text: last.text + text };
  else content.push({ type: 'text', text });
  return { ...m, content, text: m.text + text };
}

function isTool(p: ContentPart): boolean {
  return p.type === 'tool_call' || p.type === 'tool_result';
}

/** The stored reply replaces the draft; tool parts seen while streaming are kept if the store put them elsewhere. */
function finalMessage(draft: Message | undefined, stored: Message): Message {
  if (!draft || stored.content.some(isTool)) return stored;
  const tools = draft.content.filter(isTool);
  return tools.length ? { ...stored, content: [...tools, ...stored.content] } : stored;
}

function applyEvent(state: ChatState, ev: StreamEvent): ChatState {
  const sid = state.streaming?.assistantId;
  switch (ev.type) {
    case 'user_message':
      return { ...withMessage(state, ev.message), leafId: ev.message.id };
    case 'assistant_start': {
      const next = withMessage(state, { ...ev.message, content: [], text: '', status: 'streaming' });
      return { ...next, leafId: ev.message.id, streaming: { assistantId: ev.message.id } };
    }
    case 'text':
      return updateMessage(state, sid, (m) => appendText(m, ev.content));
    case 'tool_start': {
      const c = ev.content;
      const part: ContentPart = {
        type: 'tool_call',
        callId: c.id,
        name: c.name,
        arguments: c.arguments ?? {},
        description: c.description,
        action: c.action,
      };
      return updateMessage(state, sid, (m) => ({ ...m, content: [...m.content, part] }));
    }
    case 'tool_end': {
      const c = ev.content;
      const part: ContentPart = { type: 'tool_result', callId: c.id, name: c.name, result: c.result, isError: !!c.isError };
      return updateMessage(state, sid, (m) => ({ ...m, content: [...m.content, part] }));
    }
    case 'usage':
      return updateMessage(state, sid, (m) => ({ ...m, usage: ev.content }));
    case 'title':
      return state.conversation ? { ...state, conversation: { ...state.conversation, title: ev.content } } : state;
    case 'error':
      return updateMessage(state, sid, (m) => ({
        ...m,
        status: 'error',
        error: { code: ev.code ?? 'internal', message: ev.content },
      }));
    case 'assistant_end': {
      const next = withMessage(state, finalMessage(state.messages[ev.message.id], ev.message));
      return { ...next, leafId: ev.message.id };
    }
    default:
      return state;
  }
}

function settleStreaming(state: ChatState, status: 'incomplete'): ChatState {
  return updateMessage(state, state.streaming?.assistantId, (m) => (m.status === 'streaming' ? { ...m, status } : m));
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'reset':
      return {
        ...initialChatState,
        conversationId: action.conversationId,
        status: action.conversationId ? 'loading' : 'idle',
        draft: action.conversationId ? {} : state.draft,
      };
    case 'loaded': {
      if (!action.adopt && action.conversation.id !== state.conversationId) return state;
      const { messages = [], ...conversation } = action.conversation;
      const sorted = [...messages].sort(byCreated);
      const record: Record<string, Message> = {};
      for (const m of sorted) record[m.id] = m;
      // Keep a message still being streamed that the store does not hold yet.
      const sid = state.streaming?.assistantId;
      const nodes = sorted.map((m) => ({ id: m.id, parentId: m.parentId }));
      if (sid && state.messages[sid] && !record[sid] && state.conversationId === conversation.id) {
        record[sid] = state.messages[sid];
        nodes.push({ id: sid, parentId: state.messages[sid].parentId });
      }
      // The branch on screen stays; a conversation opened afresh shows the branch saved with it. A partial page
      // holds one branch, the one the server resolved.
      const saved = conversation.selectedLeafId;
      const paged = !!action.page && !action.page.complete;
      const leafId = paged ? action.page!.leafId
        : state.leafId && record[state.leafId] ? state.leafId : saved && record[saved] ? saved : null;
      return {
        ...state,
        paged,
        older: paged ? action.page!.olderCursor : null,
        olderTotals: paged ? action.page!.older ?? NO_TOTALS : NO_TOTALS,
        conversationId: conversation.id,
        conversation,
        messages: record,
        nodes,
        leafId,
        status: 'ready',
        loadError: null,
      };
    }
    case 'older_loaded': {
      if (action.conversationId !== state.conversationId) return state;
      const fresh = [...action.messages].sort(byCreated).filter((m) => !(m.id in state.messages));
      const record = { ...state.messages };
      for (const m of fresh) record[m.id] = m;
      return {
        ...state,
        messages: record,
        nodes: [...fresh.map((m) => ({ id: m.id, parentId: m.parentId })), ...state.nodes],
        older: action.olderCursor,
        olderTotals: action.olderTotals ?? NO_TOTALS,
      };
    }
    case 'load_failed':
      if (action.conversationId !== state.conversationId) return state;
      return { ...state, status: action.missing ? 'missing' : 'error', loadError: action.message };
    case 'conversation':
      if (action.conversation.id !== state.conversationId) return state;
      return { ...state, conversation: { ...state.conversation, ...action.conversation, messages: undefined } };
    case 'draft':
      return { ...state, draft: { ...state.draft, ...action.patch } };
    case 'stream_started':
      return { ...state, streaming: { assistantId: null }, failure: null };
    case 'event':
      return applyEvent(state, action.event);
    case 'text':
      return applyEvent(state, { type: 'text', content: action.text });
    case 'stopped':
      return settleStreaming(state, 'incomplete');
    case 'stream_ended':
      return { ...settleStreaming(state, 'incomplete'), streaming: null };
    case 'failed':
      return { ...state, failure: action.failure };
    case 'dismiss_failure':
      return { ...state, failure: null };
    case 'select_leaf':
      return { ...state, leafId: action.leafId };
    case 'cleared':
      return {
        ...state,
        messages: {},
        nodes: [],
        leafId: null,
        failure: null,
        conversation: state.conversation ? { ...state.conversation, usage: null, messageCount: 0 } : null,
      };
    default:
      return state;
  }
}
