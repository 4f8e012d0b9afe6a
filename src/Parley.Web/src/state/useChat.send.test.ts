// useChat's send half: sending, streaming and resuming, failures and Retry, stop, edits, uploads, settings.
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../api/types';
import { PAGE_LIMIT } from '../api/conversations';
import { at, fake, installChatApi, json, reply, sse, sseWithIds, user } from '../testing/chatApi';
import { useChat } from './useChat';

installChatApi();

describe('useChat: send, stream, retry', () => {
  it('creates the conversation, streams the reply, moves the URL to /c/{id}', async () => {
    fake.stream = () => sse([
      { type: 'user_message', message: user },
      { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
      { type: 'text', content: 'hi' },
      { type: 'text', content: ' there' },
      { type: 'assistant_end', message: reply },
      '[DONE]',
    ]);
    fake.stored = [user, reply];
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
    expect(fake.calls).toContain(`GET /api/conversations/c1/messages?limit=${PAGE_LIMIT}`);
  });

  it('a provider error fails the send and plans a regenerate of the stored user message', async () => {
    fake.stream = () => sse([
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
    fake.stream = () => {
      if (refusals-- > 0) return json(429, { code: 'rate_limited', detail: 'You have sent 10 requests this minute; wait 20 seconds.' });
      return sse([
        { type: 'user_message', message: user },
        { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
        { type: 'assistant_end', message: reply },
        '[DONE]',
      ]);
    };
    fake.stored = [user, reply];
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
    expect(fake.bodies).toHaveLength(2);
    expect(fake.calls.filter((c) => c === 'POST /api/conversations')).toHaveLength(1);
  });

  it('an HTTP problem before the stream fails the send with its detail and plans a resend', async () => {
    fake.stream = () => json(409, { code: 'reply_in_progress', detail: 'A reply is already being written.' });
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
    fake.stream = () => sseWithIds([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } }, { type: 'text', content: 'hi' }]);
    const resumed = { ...reply, text: 'hi there', content: [{ type: 'text' as const, text: 'hi there' }] };
    fake.follow = () => sseWithIds([{ type: 'text', content: ' there' }, { type: 'assistant_end', message: resumed }, '[DONE]'], 4);
    fake.stored = [user, resumed];
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = false;
    await act(async () => {
      ok = await result.current.send('hi');
    });
    expect(ok).toBe(true);
    expect(fake.calls).toContain('GET /api/conversations/c1/replies/a1/events?after=3');
    expect(result.current.state.messages.a1.text).toBe('hi there');
    expect(result.current.state.failure).toBeNull();
    expect(result.current.path).toEqual(['u1', 'a1']);
  });

  it('a dropped stream whose resume is refused fails with the server\'s sentence', async () => {
    fake.stream = () => sseWithIds([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } }, { type: 'text', content: 'par' }]);
    fake.follow = () => json(404, { code: 'message_not_found', detail: "There is no reply 'a1' in this conversation." });
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = true;
    await act(async () => {
      ok = await result.current.send('hi');
    });
    expect(ok).toBe(false);
    expect(result.current.state.failure).toMatchObject({ code: 'message_not_found', message: "There is no reply 'a1' in this conversation.", retry: { kind: 'regenerate', messageId: 'u1' } });
  });

  it('a conversation loaded while its reply is being written follows that reply from its first event', async () => {
    fake.stored = [user, { ...reply, status: 'streaming', text: 'hi', content: [{ type: 'text', text: 'hi' }] }];
    fake.follow = () => {
      // By the time its log ends, the server has stored the finished reply.
      fake.stored = [user, reply];
      return sseWithIds([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
        { type: 'text', content: 'hi' }, { type: 'text', content: ' there' }, { type: 'assistant_end', message: reply }, '[DONE]']);
    };
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(fake.calls).toContain('GET /api/conversations/c1/replies/a1/events?after=0'));
    await waitFor(() => expect(result.current.state.messages.a1?.status).toBe('complete'));
    expect(result.current.state.messages.a1.text).toBe('hi there');
    expect(result.current.state.streaming).toBeNull();
  });

  it('a follow-up is sent under the branch on screen', async () => {
    const other: Message = { ...user, id: 'u2', text: 'other', content: [{ type: 'text', text: 'other' }], createdAt: at(3) };
    const otherReply: Message = { ...reply, id: 'a2', parentId: 'u2', createdAt: at(4) };
    fake.stored = [user, reply, other, otherReply];
    fake.stream = () => sse(['[DONE]']);
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.path).toEqual(['u2', 'a2']));
    act(() => result.current.switchVersion('u2', -1));
    expect(result.current.path).toEqual(['u1', 'a1']);
    await act(async () => {
      await result.current.send('more on this');
    });
    expect(JSON.parse(fake.bodies[0])).toEqual({ content: 'more on this', parentId: 'a1' });
  });

  it('stop posts cancel and aborts the stream', async () => {
    let abort: AbortSignal | undefined;
    fake.stream = () => {
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
    expect(fake.calls).toContain('POST /api/conversations/c1/cancel');
    expect(abort?.aborted).toBe(true);
    expect(result.current.state.streaming).toBeNull();
  });

  it('tools chosen before the chat exists go with its creation; later ones are PATCHed, refusals thrown', async () => {
    fake.stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_start', message: { ...reply, content: [], text: '' } },
      { type: 'assistant_end', message: reply }, '[DONE]']);
    fake.stored = [user, reply];
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
    fake.stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_end', message: reply }, '[DONE]']);
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = false;
    await act(async () => {
      ok = await result.current.send('read it', [], [new File(['hello'], 'notes.txt', { type: 'text/plain' })]);
    });
    expect(ok).toBe(true);
    expect(fake.calls.slice(0, 3)).toEqual(['POST /api/conversations', 'POST /api/conversations/c1/attachments', 'POST /api/conversations/c1/messages']);
    expect(JSON.parse(fake.bodies[0])).toEqual({ content: 'read it', parentId: null, attachments: ['a_notes.txt'] });
  });

  it('a refused upload fails the send with the server\'s sentence and sends nothing', async () => {
    const { result } = renderHook(() => useChat(null, { onListChanged: () => undefined }));
    let ok = true;
    await act(async () => {
      ok = await result.current.send('read it', [], [new File(['%PDF-'], 'bad.txt')]);
    });
    expect(ok).toBe(false);
    expect(result.current.state.failure?.message).toMatch(/bad.txt/);
    expect(fake.calls).not.toContain('POST /api/conversations/c1/messages');
  });

  // Every send carries the parent it follows, so "has a parent" no longer tells an edit from a new message.

  it('a 429 on a follow-up keeps its unsent text with the failure; a refused edit does not offer its text as unsent', async () => {
    fake.stored = [user, reply];
    fake.stream = () => json(429, { code: 'rate_limited', detail: 'Try again in 12 seconds.' });
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.path).toEqual(['u1', 'a1']));
    await act(async () => {
      await result.current.send('send me exactly once');
    });
    expect(JSON.parse(fake.bodies[0])).toEqual({ content: 'send me exactly once', parentId: 'a1' });
    expect(result.current.state.failure).toMatchObject({
      message: 'Try again in 12 seconds.',
      unsent: 'send me exactly once',
      retry: { kind: 'send', body: { content: 'send me exactly once', parentId: 'a1' } },
    });
    act(() => result.current.dismissFailure());
    await act(async () => {
      await result.current.edit('u1', 'hi, edited');
    });
    expect(JSON.parse(fake.bodies[1])).toEqual({ content: 'hi, edited', parentId: null });
    expect(result.current.state.failure).toMatchObject({ message: 'Try again in 12 seconds.', retry: { kind: 'send', edit: true } });
    expect(result.current.state.failure?.unsent).toBeUndefined();
  });

  it('a new chat under ?sid= starts its session on the first send and replaces the URL with /c/{id}', async () => {
    fake.stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_end', message: reply }, '[DONE]']);
    window.history.replaceState(null, '', '/c/c0');
    window.history.pushState(null, '', '/?sid=abc123def456');
    const before = window.history.length;
    const { result } = renderHook(() => useChat('abc123def456', { onListChanged: () => undefined }));
    await waitFor(() => expect(fake.calls).toContain('GET /api/sessions/abc123def456'));
    await act(async () => {
      await result.current.send('hello');
    });
    expect(fake.calls).toContain('PUT /api/sessions/abc123def456');
    expect(window.location.pathname + window.location.search).toBe('/c/s_bound');
    expect(window.history.length).toBe(before);
  });
});
