// /api/conversations: the stateful conversation resource.
import { getJson, jsonBody, send } from './http';
import { parseSse } from './sse';
import type { Conversation, ConversationSettings, ConversationSummary, SendBody, StreamEvent, UploadedAttachment } from './types';

const base = '/api/conversations';
const enc = encodeURIComponent;

export interface ConversationPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

export function listConversations(opts: { q?: string; cursor?: string; limit?: number } = {}, signal?: AbortSignal) {
  const qs = new URLSearchParams({ limit: String(opts.limit ?? 100) });
  if (opts.q) qs.set('q', opts.q);
  if (opts.cursor) qs.set('cursor', opts.cursor);
  return getJson<ConversationPage>(`${base}?${qs}`, { signal });
}

export function createConversation(settings: ConversationSettings = {}) {
  return getJson<Conversation>(base, { method: 'POST', ...jsonBody(settings) });
}

export function getConversation(id: string, signal?: AbortSignal) {
  return getJson<Conversation>(`${base}/${enc(id)}`, { signal });
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

async function* stream(path: string, body: unknown, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const res = await send(path, {
    method: 'POST',
    ...jsonBody(body),
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  if (!res.body) return;
  for await (const ev of parseSse(res.body, signal)) yield ev as StreamEvent;
}

/** Sends a user message; yields the conversation stream's events. */
export function sendMessage(id: string, body: SendBody, signal: AbortSignal) {
  return stream(`${base}/${enc(id)}/messages`, body, signal);
}

/** A new assistant reply for `messageId` (sibling of an assistant message, child of a user message). */
export function regenerate(id: string, messageId: string, signal: AbortSignal, model?: string) {
  return stream(`${base}/${enc(id)}/messages/${enc(messageId)}/regenerate`, model ? { model } : {}, signal);
}

/** Uploads a document (text, Markdown, HTML, code, CSV, DOCX, PDF) to the conversation; send its id with a message. */
export function uploadAttachment(id: string, file: File, signal?: AbortSignal) {
  const form = new FormData();
  form.append('file', file, file.name);
  return getJson<UploadedAttachment>(`${base}/${enc(id)}/attachments`, { method: 'POST', body: form, signal });
}
