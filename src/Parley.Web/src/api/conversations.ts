// /api/conversations: the stateful conversation resource.
import { getJson, jsonBody, send } from './http';
import { parseSse } from './sse';
import type { Conversation, ConversationSettings, ConversationSummary, Message, SendBody, StreamEvent, UploadedAttachment } from './types';

const base = '/api/conversations';
const enc = encodeURIComponent;

export interface ConversationPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

/** `organised`: only pinned conversations and those in a folder. */
export function listConversations(opts: { q?: string; cursor?: string; limit?: number; organised?: boolean } = {}, signal?: AbortSignal) {
  const qs = new URLSearchParams({ limit: String(opts.limit ?? 100) });
  if (opts.q) qs.set('q', opts.q);
  if (opts.organised) qs.set('organised', 'true');
  if (opts.cursor) qs.set('cursor', opts.cursor);
  return getJson<ConversationPage>(`${base}?${qs}`, { signal });
}

export function createConversation(settings: ConversationSettings = {}) {
  return getJson<Conversation>(base, { method: 'POST', ...jsonBody(settings) });
}

export function getConversation(id: string, signal?: AbortSignal) {
  return getJson<Conversation>(`${base}/${enc(id)}`, { signal });
}

/** One page of GET /api/conversations/{id}/messages: the active branch (resolved by the server), newest turns first. */
export interface MessagePage {
  /** The conversation's settings and totals (first page only). */
  conversation?: Conversation;
  leafId: string | null;
  /** The page's part of the branch (oldest first), then other versions of those messages. */
  messages: Message[];
  /** Pass as `before` for older turns; null: the branch starts on this page. */
  olderCursor: string | null;
  /** The page is the whole conversation (every branch). */
  complete: boolean;
  /** The branch's messages and tokens before this page (counted on the server as lib/stats counts them). */
  older?: { messages: number; tokens: number };
}

/** Branch messages per page: a conversation up to this size comes whole. */
export const PAGE_LIMIT = 100;

export function getMessagePage(id: string, opts: { before?: string; leaf?: string; limit?: number } = {}, signal?: AbortSignal) {
  const q = new URLSearchParams({ limit: String(opts.limit ?? PAGE_LIMIT) });
  if (opts.before) q.set('before', opts.before);
  if (opts.leaf) q.set('leaf', opts.leaf);
  return getJson<MessagePage>(`${base}/${enc(id)}/messages?${q}`, { signal });
}

export function updateConversation(id: string, patch: ConversationSettings) {
  return getJson<Conversation>(`${base}/${enc(id)}`, { method: 'PATCH', ...jsonBody(patch) });
}

export async function deleteConversation(id: string, keepalive = false) {
  await send(`${base}/${enc(id)}`, { method: 'DELETE', keepalive });
}

export async function clearConversation(id: string) {
  await send(`${base}/${enc(id)}/messages`, { method: 'DELETE' });
}

export async function cancelReply(id: string) {
  await send(`${base}/${enc(id)}/cancel`, { method: 'POST' });
}

/** Where a reply's stream got to: the id of the last event received (0 before any). */
export interface StreamCursor {
  lastId: number;
}

async function* stream(path: string, init: RequestInit, signal: AbortSignal, cursor?: StreamCursor): AsyncGenerator<StreamEvent> {
  const res = await send(path, { ...init, headers: { Accept: 'text/event-stream' }, signal });
  if (!res.body) return;
  const onId = (id: string) => {
    const n = Number(id);
    if (cursor && Number.isSafeInteger(n)) cursor.lastId = n;
  };
  for await (const ev of parseSse(res.body, signal, onId)) yield ev as StreamEvent;
}

/** Sends a user message; yields the conversation stream's events (the reply goes on server-side if this stream drops). */
export function sendMessage(id: string, body: SendBody, signal: AbortSignal, cursor?: StreamCursor) {
  return stream(`${base}/${enc(id)}/messages`, { method: 'POST', ...jsonBody(body) }, signal, cursor);
}

/** A new assistant reply for `messageId` (sibling of an assistant message, child of a user message). */
export function regenerate(id: string, messageId: string, signal: AbortSignal, model?: string, cursor?: StreamCursor) {
  return stream(`${base}/${enc(id)}/messages/${enc(messageId)}/regenerate`, { method: 'POST', ...jsonBody(model ? { model } : {}) }, signal, cursor);
}

/** A reply's events after `cursor.lastId` (all of them from 0), then live ones until it ends. */
export function followReply(id: string, messageId: string, signal: AbortSignal, cursor: StreamCursor) {
  return stream(`${base}/${enc(id)}/replies/${enc(messageId)}/events?after=${cursor.lastId}`, { method: 'GET' }, signal, cursor);
}

/** Uploads a document (text, Markdown, HTML, code, CSV, DOCX, PDF) to the conversation; send its id with a message. */
export function uploadAttachment(id: string, file: File, signal?: AbortSignal) {
  const form = new FormData();
  form.append('file', file, file.name);
  return getJson<UploadedAttachment>(`${base}/${enc(id)}/attachments`, { method: 'POST', body: form, signal });
}
