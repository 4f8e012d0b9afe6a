// useChat's paging half: opening a conversation (by URL or ?sid=), pages of a long one, versions through the server.
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../api/types';
import { PAGE_LIMIT } from '../api/conversations';
import { at, conv, fake, installChatApi, json, reply, sse, user, wholePage } from '../testing/chatApi';
import { useChat } from './useChat';

installChatApi();

describe('useChat: loading and pages', () => {
  it('loads the conversation named by ?sid= and moves to /c/{id}', async () => {
    fake.stored = [user, reply];
    window.history.replaceState(null, '', '/?sid=c1');
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe('/c/c1'));
    expect(result.current.path).toEqual(['u1', 'a1']);
  });

  it('an unknown ?sid= is a new chat whose first message starts the conversation bound to that session', async () => {
    fake.stream = () => sse([{ type: 'user_message', message: user }, { type: 'assistant_end', message: reply }, '[DONE]']);
    window.history.replaceState(null, '', '/?sid=abc123def456');
    const { result } = renderHook(() => useChat('abc123def456', { onListChanged: () => undefined }));
    await waitFor(() => expect(fake.calls).toContain('GET /api/sessions/abc123def456'));
    expect(result.current.state.status).not.toBe('missing');
    await act(async () => {
      await result.current.send('hello');
    });
    expect(fake.calls).toContain('PUT /api/sessions/abc123def456');
    expect(fake.calls).not.toContain('POST /api/conversations');
    expect(fake.calls).toContain('POST /api/conversations/s_bound/messages');
  });

  it('a missing conversation ends in the missing state', async () => {
    const { result } = renderHook(() => useChat('c404', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.state.status).toBe('missing'));
    expect(result.current.state.loadError).toBe('No such conversation.');
  });

  it('a reload of the conversation left for a new chat, answering late, does not take the new chat\'s first send', async () => {
    fake.stored = [user, reply];
    let release: () => void = () => undefined;
    let holdReload = false;
    let held = false;
    const realFetch = fetch as unknown as ReturnType<typeof vi.fn>;
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      if (method === 'POST' && url === '/api/conversations') {
        fake.calls.push(`${method} ${url}`);
        return json(201, { ...conv, id: 'c2' });
      }
      if (method === 'GET' && url.startsWith('/api/conversations/c2/messages')) return json(200, { ...wholePage([]), conversation: { ...conv, id: 'c2' } });
      if (method === 'GET' && url.startsWith('/api/conversations/c1/messages') && holdReload) {
        held = true;
        await new Promise<void>((r) => { release = r; });
      }
      return realFetch(url, init);
    }));
    fake.stream = () => sse(['[DONE]']);
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
    expect(fake.calls).toContain('POST /api/conversations');
    expect(fake.calls).toContain('POST /api/conversations/c2/messages');
    expect(fake.calls).not.toContain('POST /api/conversations/c1/messages');
    expect(window.location.pathname).toBe('/c/c2');
  });

  it('a long conversation opens on its newest page, loads older turns before them, and switches versions through the server', async () => {
    const u1 = user;
    const a1 = reply;
    const u2: Message = { ...user, id: 'u2', parentId: 'a1', text: 'more', content: [{ type: 'text', text: 'more' }], createdAt: at(3) };
    const a2: Message = { ...reply, id: 'a2', parentId: 'u2', createdAt: at(4) };
    const a2b: Message = { ...reply, id: 'a2b', parentId: 'u2', text: 'other', content: [{ type: 'text', text: 'other' }], createdAt: at(5) };
    fake.pages = (url) => {
      const q = new URL(url, 'http://x').searchParams;
      if (q.get('before') === 'u2' && q.get('leaf') === 'a2') return json(200, { leafId: 'a2', messages: [u1, a1], olderCursor: null, complete: false, older: { messages: 0, tokens: 0 } });
      if (q.get('leaf') === 'a2b') return json(200, { conversation: conv, leafId: 'a2b', messages: [u2, a2b, a2], olderCursor: 'u2', complete: false });
      if (!q.get('before') && !q.get('leaf')) return json(200, { conversation: conv, leafId: 'a2', messages: [u2, a2, a2b], olderCursor: 'u2', complete: false, older: { messages: 2, tokens: 9 } });
      return json(400, { code: 'invalid_request', detail: `unexpected ${url}` });
    };
    // The first page is not the whole conversation: the mock's whole-page answer must not be used.
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      fake.calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (url.startsWith('/api/conversations/c1/messages?')) return fake.pages(url);
      if (init?.method === 'PATCH') return json(200, { ...conv, selectedLeafId: JSON.parse(String(init.body)).selectedLeafId });
      return json(404, { code: 'conversation_not_found', detail: 'No such conversation.' });
    }));
    const { result } = renderHook(() => useChat('c1', { onListChanged: () => undefined }));
    await waitFor(() => expect(result.current.state.status).toBe('ready'));
    expect(result.current.state.paged).toBe(true);
    expect(result.current.state.older).toBe('u2');
    // What the branch holds before the page, as the server counted it (the header adds the loaded messages).
    expect(result.current.state.olderTotals).toEqual({ messages: 2, tokens: 9 });
    expect(result.current.path.slice(-2)).toEqual(['u2', 'a2']);

    await act(async () => {
      await result.current.loadOlder();
    });
    expect(fake.calls).toContain(`GET /api/conversations/c1/messages?limit=${PAGE_LIMIT}&before=u2&leaf=a2`);
    expect(result.current.path).toEqual(['u1', 'a1', 'u2', 'a2']);
    expect(result.current.state.older).toBeNull();
    expect(result.current.state.olderTotals).toEqual({ messages: 0, tokens: 0 });
    expect(result.current.state.nodes.map((n) => n.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'a2b']);

    act(() => result.current.switchVersion('a2', 1));
    await waitFor(() => expect(fake.calls).toContain('PATCH /api/conversations/c1'));
    expect(fake.calls).toContain(`GET /api/conversations/c1/messages?limit=${PAGE_LIMIT}&leaf=a2b`);
    expect(result.current.path.slice(-2)).toEqual(['u2', 'a2b']);
    expect(result.current.state.leafId).toBe('a2b');
  });
});
