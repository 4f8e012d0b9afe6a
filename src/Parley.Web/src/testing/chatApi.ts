// A fake of the conversations API for useChat's tests: fetch answers like the server (SSE with event ids, pages,
// sessions, uploads); each test sets what a send streams, what a resume answers and what is stored.
import { afterEach, beforeEach, vi } from 'vitest';
import { PAGE_LIMIT } from '../api/conversations';
import type { Message } from '../api/types';

export const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 10, 0, s)).toISOString();
export const user: Message = {
  id: 'u1', parentId: null, role: 'user', content: [{ type: 'text', text: 'hi' }], text: 'hi', model: null,
  status: 'complete', error: null, usage: null, timings: null, createdAt: at(1),
};
export const reply: Message = { ...user, id: 'a1', parentId: 'u1', role: 'assistant', model: 'mock/echo', text: 'hi there', content: [{ type: 'text', text: 'hi there' }], createdAt: at(2) };
export const conv = { id: 'c1', title: 'New chat', model: 'mock/echo', createdAt: at(0), updatedAt: at(0), messageCount: 0, systemPrompt: null, temperature: null, maxTokens: null, tools: null, usage: null };

export function sse(events: unknown[]): Response {
  const body = events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}
/** Like the server: each event with its `id:`, from `first`. */
export function sseWithIds(events: unknown[], first = 1): Response {
  const body = events.map((e, i) => (typeof e === 'string' ? `data: ${e}\n\n` : `id: ${first + i}\ndata: ${JSON.stringify(e)}\n\n`)).join('');
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}
export const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A short conversation's page: the whole of it. */
export const wholePage = (messages: Message[]) => ({ conversation: conv, leafId: null, messages, olderCursor: null, complete: true });

export const fake = {
  /** Answers GET …/messages?before=&leaf= of a long conversation (set per test). */
  pages: (_url: string): Response => json(404, { code: 'message_not_found', detail: 'No such page.' }),
  /** What a send (POST …/messages) streams. */
  stream: (): Response => json(500, { code: 'internal', detail: 'No stream set.' }),
  /** What resuming a reply (GET …/replies/{id}/events) answers. */
  follow: (): Response => json(404, { code: 'message_not_found', detail: 'No such reply.' }),
  /** The messages the server holds for c1. */
  stored: [] as Message[],
  calls: [] as string[],
  bodies: [] as string[],
};

/** Installs the fake before each test of the file that calls it (and removes it after). */
export function installChatApi() {
  beforeEach(() => {
    window.history.replaceState(null, '', '/');
    fake.calls.length = 0;
    fake.bodies.length = 0;
    fake.stored = [];
    fake.follow = () => json(404, { code: 'message_not_found', detail: 'No such reply.' });
    fake.pages = () => json(404, { code: 'message_not_found', detail: 'No such page.' });
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      fake.calls.push(`${method} ${url}`);
      if (method === 'POST' && url === '/api/conversations') return json(201, conv);
      if (method === 'POST' && url.endsWith('/messages')) {
        fake.bodies.push(String(init?.body));
        return fake.stream();
      }
      if (method === 'POST' && url.endsWith('/attachments')) {
        const file = (init?.body as FormData).get('file') as File;
        if (file.name === 'bad.txt') return json(415, { code: 'document_type_mismatch', detail: '“bad.txt” is named like a text file but its content is a PDF.' });
        return json(201, { id: `a_${file.name}`, name: file.name, mediaType: 'text/plain', size: file.size, chars: file.size, truncated: false, url: 'u' });
      }
      if (method === 'POST' && url.endsWith('/cancel')) return new Response(null, { status: 202 });
      if (method === 'GET' && url === `/api/conversations/c1/messages?limit=${PAGE_LIMIT}`) return json(200, wholePage(fake.stored));
      if (method === 'GET' && url.startsWith('/api/conversations/c1/messages?')) return fake.pages(url);
      // Seed 004's sessions: c1 is its own session id; s-new starts a conversation bound to it on PUT.
      if (method === 'GET' && url === '/api/sessions/c1') return json(200, { ...conv, messages: fake.stored });
      if (method === 'PUT' && url === '/api/sessions/abc123def456') return json(201, { ...conv, id: 's_bound' });
      if (method === 'GET' && url.startsWith('/api/conversations/c1/replies/')) return fake.follow();
      return json(404, { code: 'conversation_not_found', detail: 'No such conversation.' });
    }));
  });
  afterEach(() => vi.unstubAllGlobals());
}
