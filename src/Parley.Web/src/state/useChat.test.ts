import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../api/types';
import { PAGE_LIMIT } from '../api/conversations';
import { useChat } from './useChat';

const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 10, 0, s)).toISOString();
const user: Message = {
  id: 'u1', parentId: null, role: 'user', content: [{ type: 'text', text: 'hi' }], text: 'hi', model: null,
  status: 'complete', error: null, usage: null, timings: null, createdAt: at(1),
};
const reply: Message = { ...user, id: 'a1', parentId: 'u1', role: 'assistant', model: 'mock/echo', text: 'hi there', content: [{ type: 'text', text: 'hi there' }], createdAt: at(2) };
const conv = { id: 'c1', title: 'New chat', model: 'mock/echo', createdAt: at(0), updatedAt: at(0), messageCount: 0, systemPrompt: null, temperature: null, maxTokens: null, tools: null, usage: null };

function sse(events: unknown[]): Response {
  const body = events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}
/** Like the server: each event with its `id:`, from `first`. */
function sseWithIds(events: unknown[], first = 1): Response {
  const body = events.map((e, i) => (typeof e === 'string' ? `data: ${e}\n\n` : `id: ${first + i}\ndata: ${JSON.stringify(e)}\n\n`)).join('');
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A short conversation's page: the whole of it. */
const wholePage = (messages: Message[]) => ({ conversation: conv, leafId: null, messages, olderCursor: null, complete: true });
/** Answers GET …/messages?before=&leaf= of a long conversation (set per test). */
let pages: (url: string) => Response;
let stream: () => Response;
let follow: () => Response;
let stored: Message[];
const calls: string[] = [];
const bodies: string[] = [];

beforeEach(() => {
  window.history.replaceState(null, '', '/');
  calls.length = 0;
  bodies.length = 0;
  stored = [];
  follow = () => json(404, { code: 'message_not_found', detail: 'No such reply.' });
  pages = () => json(404, { code: 'message_not_found', detail: 'No such page.' });
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${url}`);
    if (method === 'POST' && url === '/api/conversations') return json(201, conv);
    if (method === 'POST' && url.endsWith('/messages')) {
      bodies.push(String(init?.body));
      return stream();
    }
    if (method === 'POST' && url.endsWith('/attachments')) {
      const file = (init?.body as FormData).get('file') as File;
      if (file.name === 'bad.txt') return json(415, { code: 'document_type_mismatch', detail: '“bad.txt” is named like a text file but its content is a PDF.' });
      return json(201, { id: `a_${file.name}`, name: file.name, mediaType: 'text/plain', size: file.size, chars: file.size, truncated: false, url: 'u' });
    }
    if (method === 'POST' && url.endsWith('/cancel')) return new Response(null, { status: 202 });
    if (method === 'GET' && url === `/api/conversations/c1/messages?limit=${PAGE_LIMIT}`) return json(200, wholePage(stored));
    if (method === 'GET' && url.startsWith('/api/conversations/c1/messages?')) return pages(url);
    // Seed 004's sessions: c1 is its own session id; s-new starts a conversation bound to it on PUT.
    if (method === 'GET' && url === '/api/sessions/c1') return json(200, { ...conv, messages: stored });
    if (method === 'PUT' && url === '/api/sessions/abc123def456') return json(201, { ...conv, id: 's_bound' });
    if (method === 'GET' && url.startsWith('/api/conversations/c1/replies/')) return follow();
    return json(404, { code: 'conversation_not_found', detail: 'No such conversation.' });
  }));
});
afterEach(() => vi.unstubAllGlobals());

describe('useChat', () => {
  it('creates the conversation, streams the reply, moves the URL to /c/{id}', async () => {
    stream = () => sse([
      { type: 'user_message', message: user },
      { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
      { type: 'text', content: 'hi' },
      { type: 'text', content: ' there' },
      { type: 'assistant_end', message: reply },
      '[DONE]',
    ]);
    stored = [user, reply];
    const onListChanged = vi.fn();
    const { result } = renderHook(() => useChat(null, { onListChanged }));
    let ok = false;
    await act(async () => {
      ok = await result.current.send('hi');
    });
    expect(ok).toBe(true);
    expect(window.location.pathname).toBe('/c/c1');
    expect(result.current.path).toEqual(['u1', 'a1']);
    expect(result.current.state.messages.a1.text).toBe('hi there');
    expect(result.current.state.streaming).toBeNull();
    expect(onListChanged).toHaveBeenCalled();
    expect(calls).toContain(`GET /api/conversations/c1/messages?limit=${PAGE_LIMIT}`);
  });

  it('a provider error fails the send and plans a regenerate of the stored user message', async () => {
    stream = () => sse([
      { type: 'user_message', message: user },
      { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
      { type: 'error', content: 'The provider is unavailable.', code: 'provider_unavailable' },
      { type: 'assistant_end', message: { ...reply, content: [], text: '', status: 'error', error: { code: 'provider_unavailable', message: 'The provider is unavailable.' } } },
      '[DONE]',
    ]);
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = true;
    await act(async () => {
      ok = await result.current.send('hi');
    });
    expect(ok).toBe(false);
    expect(result.current.state.failure).toMatchObject({ code: 'provider_unavailable', retry: { kind: 'regenerate', messageId: 'u1' } });
    expect(result.current.state.failure?.unsent).toBeUndefined();
  });

  it('a 429 before the stream keeps the unsent text with the failure, and Retry sends it once', async () => {
    let refusals = 1;
    stream = () => {
      if (refusals-- > 0) return json(429, { code: 'rate_limited', detail: 'You have sent 10 requests this minute; wait 20 seconds.' });
      return sse([
        { type: 'user_message', message: user },
        { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
        { type: 'assistant_end', message: reply },
        '[DONE]',
      ]);
    };
    stored = [user, reply];
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    await act(async () => {
      await result.current.send('hi');
    });
    expect(result.current.state.failure).toMatchObject({
      message: 'You have sent 10 requests this minute; wait 20 seconds.',
      unsent: 'hi',
      retry: { kind: 'send', body: { content: 'hi' } },
    });
    await act(async () => {
      await result.current.retry();
    });
    expect(result.current.state.failure).toBeNull();
    expect(bodies).toHaveLength(2);
    expect(calls.filter((c) => c === 'POST /api/conversations')).toHaveLength(1);
  });

  it('an HTTP problem before the stream fails the send with its detail and plans a resend', async () => {
    stream = () => json(409, { code: 'reply_in_progress', detail: 'A reply is already being written.' });
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = true;
    await act(async () => {
      ok = await result.current.send('hi again');
    });
    expect(ok).toBe(false);
    expect(result.current.state.failure).toMatchObject({
      message: 'A reply is already being written.',
      code: 'reply_in_progress',
      retry: { kind: 'send', body: { content: 'hi again' } },
    });
  });

  it('a stream that closes before the reply ended is resumed from the last event id and continues the same message', async () => {
    stream = () => sseWithIds([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } }, { type: 'text', content: 'hi' }]);
    const resumed = { ...reply, text: 'hi there', content: [{ type: 'text' as const, text: 'hi there' }] };
    follow = () => sseWithIds([{ type: 'text', content: ' there' }, { type: 'assistant_end', message: resumed }, '[DONE]'], 4);
    stored = [user, resumed];
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = false;
    await act(async () => {
      ok = await result.current.send('hi');
    });
    expect(ok).toBe(true);
    expect(calls).toContain('GET /api/conversations/c1/replies/a1/events?after=3');
    expect(result.current.state.messages.a1.text).toBe('hi there');
    expect(result.current.state.failure).toBeNull();
    expect(result.current.path).toEqual(['u1', 'a1']);
  });

  it('a dropped stream whose resume is refused fails with the server\'s sentence', async () => {
    stream = () => sseWithIds([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } }, { type: 'text', content: 'par' }]);
    follow = () => json(404, { code: 'message_not_found', detail: "There is no reply 'a1' in this conversation." });
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = true;
    await act(async () => {
      ok = await result.current.send('hi');
    });
    expect(ok).toBe(false);
    expect(result.current.state.failure).toMatchObject({ code: 'message_not_found', message: "There is no reply 'a1' in this conversation.", retry: { kind: 'regenerate', messageId: 'u1' } });
  });

  it('a conversation loaded while its reply is being written follows that reply from its first event', async () => {
    stored = [user, { ...reply, status: 'streaming', text: 'hi', content: [{ type: 'text', text: 'hi' }] }];
    follow = () => {
      // By the time its log ends, the server has stored the finished reply.
      stored = [user, reply];
      return sseWithIds([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
        { type: 'text', content: 'hi' }, { type: 'text', content: ' there' }, { type: 'assistant_end', message: reply }, '[DONE]']);
    };
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(calls).toContain('GET /api/conversations/c1/replies/a1/events?after=0'));
    await waitFor(() => expect(result.current.state.messages.a1?.status).toBe('complete'));
    expect(result.current.state.messages.a1.text).toBe('hi there');
    expect(result.current.state.streaming).toBeNull();
  });

  it('a follow-up is sent under the branch on screen', async () => {
    const other: Message = { ...user, id: 'u2', text: 'other', content: [{ type: 'text', text: 'other' }], createdAt: at(3) };
    const otherReply: Message = { ...reply, id: 'a2', parentId: 'u2', createdAt: at(4) };
    stored = [user, reply, other, otherReply];
    stream = () => sse(['[DONE]']);
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.path).toEqual(['u2', 'a2']));
    act(() => result.current.switchVersion('u2', -1));
    expect(result.current.path).toEqual(['u1', 'a1']);
    await act(async () => {
      await result.current.send('more on this');
    });
    expect(JSON.parse(bodies[0])).toEqual({ content: 'more on this', parentId: 'a1' });
  });

  it('stop posts cancel and aborts the stream', async () => {
    let abort: AbortSignal | undefined;
    stream = () => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode(`data: ${JSON.stringify({ type: 'assistant_start', message: { ...reply, content: [], text: '' } })}\n\n`));
          abort?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { status: 200 });
    };
    const realFetch = fetch as unknown as ReturnType<typeof vi.fn>;
    const wrapped = vi.fn((url: string, init?: RequestInit) => {
      if (url.endsWith('/messages')) abort = init?.signal ?? undefined;
      return realFetch(url, init);
    });
    vi.stubGlobal('fetch', wrapped);
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let sent: Promise<boolean> = Promise.resolve(false);
    act(() => {
      sent = result.current.send('long one');
    });
    await waitFor(() => expect(result.current.state.streaming?.assistantId).toBe('a1'));
    await act(async () => {
      result.current.stop();
      await sent;
    });
    expect(calls).toContain('POST /api/conversations/c1/cancel');
    expect(abort?.aborted).toBe(true);
    expect(result.current.state.streaming).toBeNull();
  });

  it('loads the conversation named by ?sid= and moves to /c/{id}', async () => {
    stored = [user, reply];
    window.history.replaceState(null, '', '/?sid=c1');
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe('/c/c1'));
    expect(result.current.path).toEqual(['u1', 'a1']);
  });

  it('an unknown ?sid= is a new chat whose first message starts the conversation bound to that session', async () => {
    stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_end', message: reply }, '[DONE]']);
    window.history.replaceState(null, '', '/?sid=abc123def456');
    const { result } = renderHook(() => useChat('abc123def456', { onListChanged: () => undefined }));
    await waitFor(() => expect(calls).toContain('GET /api/sessions/abc123def456'));
    expect(result.current.state.status).not.toBe('missing');
    await act(async () => {
      await result.current.send('hello');
    });
    expect(calls).toContain('PUT /api/sessions/abc123def456');
    expect(calls).not.toContain('POST /api/conversations');
    expect(calls).toContain('POST /api/conversations/s_bound/messages');
  });

  it('a missing conversation ends in the missing state', async () => {
    const { result } = renderHook(() => useChat('c404', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.state.status).toBe('missing'));
    expect(result.current.state.loadError).toBe('No such conversation.');
  });
  it('tools chosen before the chat exists go with its creation; later ones are PATCHed, refusals thrown', async () => {
    stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
      { type: 'assistant_end', message: reply }, '[DONE]']);
    stored = [user, reply];
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    await act(async () => {
      await result.current.saveSettings({ tools: ['calculator'] });
    });
    await act(async () => {
      await result.current.send('hi');
    });
    const fetchMock = vi.mocked(fetch);
    const create = fetchMock.mock.calls.find(([url, init]) => url === '/api/conversations' && init?.method === 'POST');
    expect(JSON.parse(String(create?.[1]?.body))).toEqual({ tools: ['calculator'] });

    fetchMock.mockImplementationOnce(async () => json(400, { code: 'invalid_request', detail: "There is no tool named 'zzz'." }));
    await expect(result.current.saveSettings({ tools: ['zzz'] })).rejects.toThrow("There is no tool named 'zzz'.");
    expect(fetchMock.mock.lastCall?.[1]?.method).toBe('PATCH');
    expect(result.current.state.failure).toBeNull();
  });

  it('uploads documents to the new conversation, then sends their ids with the message', async () => {
    stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_end', message: reply }, '[DONE]']);
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = false;
    await act(async () => {
      ok = await result.current.send('read it', [], [new File(['hello'], 'notes.txt', { type: 'text/plain' })]);
    });
    expect(ok).toBe(true);
    expect(calls.slice(0, 3)).toEqual(['POST /api/conversations', 'POST /api/conversations/c1/attachments', 'POST /api/conversations/c1/messages']);
    expect(JSON.parse(bodies[0])).toEqual({ content: 'read it', parentId: null, attachments: ['a_notes.txt'] });
  });

  it('a refused upload fails the send with the server\'s sentence and sends nothing', async () => {
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = true;
    await act(async () => {
      ok = await result.current.send('read it', [], [new File(['%PDF-'], 'bad.txt')]);
    });
    expect(ok).toBe(false);
    expect(result.current.state.failure?.message).toMatch(/bad.txt/);
    expect(calls).not.toContain('POST /api/conversations/c1/messages');
  });

  // Every send carries the parent it follows, so "has a parent" no longer tells an edit from a new message.
  it('a 429 on a follow-up keeps its unsent text with the failure; a refused edit does not offer its text as unsent', async () => {
    stored = [user, reply];
    stream = () => json(429, { code: 'rate_limited', detail: 'Try again in 12 seconds.' });
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.path).toEqual(['u1', 'a1']));
    await act(async () => {
      await result.current.send('send me exactly once');
    });
    expect(JSON.parse(bodies[0])).toEqual({ content: 'send me exactly once', parentId: 'a1' });
    expect(result.current.state.failure).toMatchObject({
      message: 'Try again in 12 seconds.',
      unsent: 'send me exactly once',
      retry: { kind: 'send', body: { content: 'send me exactly once', parentId: 'a1' } },
    });
    act(() => result.current.dismissFailure());
    await act(async () => {
      await result.current.edit('u1', 'hi, edited');
    });
    expect(JSON.parse(bodies[1])).toEqual({ content: 'hi, edited', parentId: null });
    expect(result.current.state.failure).toMatchObject({ message: 'Try again in 12 seconds.', retry: { kind: 'send', edit: true } });
    expect(result.current.state.failure?.unsent).toBeUndefined();
  });

  it('a reload of the conversation left for a new chat, answering late, does not take the new chat\'s first send', async () => {
    stored = [user, reply];
    let release: () => void = () => undefined;
    let holdReload = false;
    let held = false;
    const realFetch = fetch as unknown as ReturnType<typeof vi.fn>;
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      if (method === 'POST' && url === '/api/conversations') {
        calls.push(`${method} ${url}`);
        return json(201, { ...conv, id: 'c2' });
      }
      if (method === 'GET' && url.startsWith('/api/conversations/c2/messages')) return json(200, { ...wholePage([]), conversation: { ...conv, id: 'c2' } });
      if (method === 'GET' && url.startsWith('/api/conversations/c1/messages') && holdReload) {
        held = true;
        await new Promise<void>((r) => { release = r; });
      }
      return realFetch(url, init);
    }));
    stream = () => sse(['[DONE]']);
    const { result, rerender } = renderHook(({ id }) => useChat(id, { onListChanged: () => undefined }), { initialProps: { id: 'c1' as string | null } });
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    // Another tab renamed c1: the open tab reloads it, and the answer is slow.
    holdReload = true;
    act(() => result.current.notice({ type: 'conversation_updated', conversationId: 'c1' }));
    await waitFor(() => expect(held).toBe(true));
    rerender({ id: null });
    expect(result.current.state.conversationId).toBeNull();
    await act(async () => {
      release();
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(result.current.state.conversationId).toBeNull();
    expect(result.current.state.conversation).toBeNull();
    await act(async () => {
      await result.current.send('a second chat');
    });
    expect(calls).toContain('POST /api/conversations');
    expect(calls).toContain('POST /api/conversations/c2/messages');
    expect(calls).not.toContain('POST /api/conversations/c1/messages');
    expect(window.location.pathname).toBe('/c/c2');
  });

  it('a new chat under ?sid= starts its session on the first send and replaces the URL with /c/{id}', async () => {
    stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_end', message: reply }, '[DONE]']);
    window.history.replaceState(null, '', '/c/c0');
    window.history.pushState(null, '', '/?sid=abc123def456');
    const before = window.history.length;
    const { result } = renderHook(() => useChat('abc123def456', { onListChanged: () => undefined }));
    await waitFor(() => expect(calls).toContain('GET /api/sessions/abc123def456'));
    await act(async () => {
      await result.current.send('hello');
    });
    expect(calls).toContain('PUT /api/sessions/abc123def456');
    expect(window.location.pathname + window.location.search).toBe('/c/s_bound');
    expect(window.history.length).toBe(before);
  });

  it('a long conversation opens on its newest page, loads older turns before them, and switches versions through the server', async () => {
    const u1 = user;
    const a1 = reply;
    const u2: Message = { ...user, id: 'u2', parentId: 'a1', text: 'more', content: [{ type: 'text', text: 'more' }], createdAt: at(3) };
    const a2: Message = { ...reply, id: 'a2', parentId: 'u2', createdAt: at(4) };
    const a2b: Message = { ...reply, id: 'a2b', parentId: 'u2', text: 'other', content: [{ type: 'text', text: 'other' }], createdAt: at(5) };
    pages = (url) => {
      const q = new URL(url, 'http://x').searchParams;
      if (q.get('before') === 'u2' && q.get('leaf') === 'a2') return json(200, { leafId: 'a2', messages: [u1, a1], olderCursor: null, complete: false });
      if (q.get('leaf') === 'a2b') return json(200, { conversation: conv, leafId: 'a2b', messages: [u2, a2b, a2], olderCursor: 'u2', complete: false });
      if (!q.get('before') && !q.get('leaf')) return json(200, { conversation: conv, leafId: 'a2', messages: [u2, a2, a2b], olderCursor: 'u2', complete: false });
      return json(400, { code: 'invalid_request', detail: `unexpected ${url}` });
    };
    // The first page is not the whole conversation: the mock's whole-page answer must not be used.
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (url.startsWith('/api/conversations/c1/messages?')) return pages(url);
      if (init?.method === 'PATCH') return json(200, { ...conv, selectedLeafId: JSON.parse(String(init.body)).selectedLeafId });
      return json(404, { code: 'conversation_not_found', detail: 'No such conversation.' });
    }));
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    expect(result.current.state.paged).toBe(true);
    expect(result.current.state.older).toBe('u2');
    expect(result.current.path.slice(-2)).toEqual(['u2', 'a2']);

    await act(async () => {
      await result.current.loadOlder();
    });
    expect(calls).toContain(`GET /api/conversations/c1/messages?limit=${PAGE_LIMIT}&before=u2&leaf=a2`);
    expect(result.current.path).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(result.current.state.older).toBeNull();
    expect(result.current.state.nodes.map((n) => n.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'a2b']);

    act(() => result.current.switchVersion('a2', 1));
    await waitFor(() => expect(calls).toContain('PATCH /api/conversations/c1'));
    expect(calls).toContain(`GET /api/conversations/c1/messages?limit=${PAGE_LIMIT}&leaf=a2b`);
    expect(result.current.path.slice(-2)).toEqual(['u2', 'a2b']);
    expect(result.current.state.leafId).toBe('a2b');
  });
});
