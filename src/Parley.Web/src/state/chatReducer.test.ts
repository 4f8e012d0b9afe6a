import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../api/types';
import { chatReducer, initialChatState, type ChatAction, type ChatState } from './chatReducer';

const t0 = Date.parse('2026-11-21T10:00:00Z');
let n = 0;
function msg(o: Partial<Message> & { id: string }): Message {
  return {
    parentId: null, role: 'user', content: [], text: '', model: null, status: 'complete', error: null,
    usage: null, timings: null, createdAt: new Date(t0 + ++n * 1000).toISOString(), ...o,
  };
}
function conv(messages: Message[]): Conversation {
  return {
    id: 'c1', title: 'T', model: 'mock/echo', createdAt: '', updatedAt: '', messageCount: messages.length,
    systemPrompt: null, temperature: null, maxTokens: null, tools: null, usage: null, messages,
  };
}
const run = (actions: ChatAction[], s: ChatState = initialChatState) => actions.reduce(chatReducer, s);

describe('chatReducer', () => {
  it('loads a conversation, keeping every branch and no leaf choice', () => {
    const s = run([{ type: 'reset', conversationId: 'c1' }, { type: 'loaded', conversation: conv([msg({ id: 'u1', text: 'hi' })]) }]);
    expect(s.status).toBe('ready');
    expect(s.nodes).toEqual([{ id: 'u1', parentId: null }]);
    expect(s.conversation?.messages).toBeUndefined();
    expect(s.leafId).toBeNull();
  });

  it('applies a stream: user message, assistant start, text, tools, usage, end', () => {
    const u = msg({ id: 'u1', text: 'hi', content: [{ type: 'text', text: 'hi' }] });
    const a = msg({ id: 'a1', parentId: 'u1', role: 'assistant', model: 'mock/echo' });
    const s = run([
      { type: 'reset', conversationId: 'c1' },
      { type: 'loaded', conversation: conv([]) },
      { type: 'stream_started' },
      { type: 'event', event: { type: 'user_message', message: u } },
      { type: 'event', event: { type: 'assistant_start', message: a } },
      { type: 'event', event: { type: 'tool_start', content: { id: 'call_1', name: 'current_time', arguments: {} } } },
      { type: 'event', event: { type: 'tool_end', content: { id: 'call_1', name: 'current_time', result: 'noon' } } },
      { type: 'text', text: 'It is ' },
      { type: 'event', event: { type: 'text', content: 'noon.' } },
      { type: 'event', event: { type: 'usage', content: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } } },
      { type: 'event', event: { type: 'title', content: 'Time' } },
    ]);
    const m = s.messages.a1;
    expect(s.leafId).toBe('a1');
    expect(s.streaming).toEqual({ assistantId: 'a1' });
    expect(m.status).toBe('streaming');
    expect(m.text).toBe('It is noon.');
    expect(m.content.map((p) => p.type)).toEqual(['tool_call', 'tool_result', 'text']);
    expect(m.usage?.totalTokens).toBe(3);
    expect(s.conversation?.title).toBe('Time');

    // The stored reply without tool parts (they live in tool messages) keeps the streamed ones.
    const stored = { ...a, content: [{ type: 'text' as const, text: 'It is noon.' }], text: 'It is noon.' };
    const end = run([{ type: 'event', event: { type: 'assistant_end', message: stored } }, { type: 'stream_ended' }], s);
    expect(end.streaming).toBeNull();
    expect(end.messages.a1.status).toBe('complete');
    expect(end.messages.a1.content.map((p) => p.type)).toEqual(['tool_call', 'tool_result', 'text']);
    expect(end.nodes.map((x) => x.id)).toEqual(['u1', 'a1']);
  });

  it('marks an error event on the streaming reply', () => {
    const s = run([
      { type: 'reset', conversationId: 'c1' },
      { type: 'stream_started' },
      { type: 'event', event: { type: 'assistant_start', message: msg({ id: 'a1', role: 'assistant' }) } },
      { type: 'event', event: { type: 'error', content: 'Provider down.', code: 'provider_unavailable' } },
    ]);
    expect(s.messages.a1.status).toBe('error');
    expect(s.messages.a1.error).toEqual({ code: 'provider_unavailable', message: 'Provider down.' });
  });

  it('stopping leaves the partial reply as incomplete', () => {
    const s = run([
      { type: 'reset', conversationId: 'c1' },
      { type: 'stream_started' },
      { type: 'event', event: { type: 'assistant_start', message: msg({ id: 'a1', role: 'assistant' }) } },
      { type: 'text', text: 'partial' },
      { type: 'stopped' },
      { type: 'stream_ended' },
    ]);
    expect(s.messages.a1).toMatchObject({ status: 'incomplete', text: 'partial' });
    expect(s.streaming).toBeNull();
  });

  it('a reload keeps the chosen leaf when it still exists, and a still-streaming draft', () => {
    const msgs = [msg({ id: 'u1' }), msg({ id: 'a1', parentId: 'u1', role: 'assistant' }), msg({ id: 'a1b', parentId: 'u1', role: 'assistant' })];
    let s = run([{ type: 'reset', conversationId: 'c1' }, { type: 'loaded', conversation: conv(msgs) }, { type: 'select_leaf', leafId: 'a1' }]);
    s = chatReducer(s, { type: 'loaded', conversation: conv(msgs) });
    expect(s.leafId).toBe('a1');
    s = run([{ type: 'stream_started' }, { type: 'event', event: { type: 'assistant_start', message: msg({ id: 'a9', parentId: 'u1', role: 'assistant' }) } }], s);
    s = chatReducer(s, { type: 'loaded', conversation: conv(msgs) });
    expect(s.messages.a9).toBeDefined();
    expect(s.nodes.map((x) => x.id)).toContain('a9');
  });

  it('orders loaded messages by creation time', () => {
    const late = msg({ id: 'late' });
    const early = msg({ id: 'early', createdAt: new Date(t0).toISOString() });
    const s = run([{ type: 'reset', conversationId: 'c1' }, { type: 'loaded', conversation: conv([late, early]) }]);
    expect(s.nodes.map((x) => x.id)).toEqual(['early', 'late']);
  });

  it('reset to a new chat keeps the draft settings; to a conversation drops them', () => {
    let s = chatReducer(initialChatState, { type: 'draft', patch: { model: 'x/y', temperature: 0.2 } });
    s = chatReducer(s, { type: 'reset', conversationId: null });
    expect(s.draft).toEqual({ model: 'x/y', temperature: 0.2 });
    expect(s.status).toBe('idle');
    s = chatReducer(s, { type: 'reset', conversationId: 'c2' });
    expect(s.draft).toEqual({});
    expect(s.status).toBe('loading');
  });

  it('clearing empties the messages but keeps the conversation', () => {
    let s = run([{ type: 'reset', conversationId: 'c1' }, { type: 'loaded', conversation: conv([msg({ id: 'u1' })]) }]);
    s = chatReducer(s, { type: 'failed', failure: { message: 'x', code: 'internal', retry: null } });
    s = chatReducer(s, { type: 'cleared' });
    expect(s.nodes).toEqual([]);
    expect(s.failure).toBeNull();
    expect(s.conversation?.id).toBe('c1');
  });

  it('records load failures, telling a missing conversation apart', () => {
    const loading = chatReducer(initialChatState, { type: 'reset', conversationId: 'c1' });
    expect(chatReducer(loading, { type: 'load_failed', conversationId: 'c1', message: 'gone', missing: true }).status).toBe('missing');
    expect(chatReducer(loading, { type: 'load_failed', conversationId: 'c1', message: 'down', missing: false }).status).toBe('error');
  });

  // A reload started for the conversation in view (after a reply, or on another tab's notice) can answer after the user
  // pressed New chat: taking it would put the old conversation back under a / (or ?sid=) URL, and the next send would go there.
  it('drops a late load, load failure or settings answer for a conversation no longer in view', () => {
    const left = run([{ type: 'reset', conversationId: 'c1' }, { type: 'loaded', conversation: conv([msg({ id: 'u1' })]) }, { type: 'reset', conversationId: null }]);
    const late = run([
      { type: 'loaded', conversation: conv([msg({ id: 'u1' })]) },
      { type: 'load_failed', conversationId: 'c1', message: 'gone', missing: true },
      { type: 'conversation', conversation: { ...conv([]), title: 'Old title' } },
    ], left);
    expect(late).toEqual(left);
    expect(late.conversationId).toBeNull();
    expect(late.conversation).toBeNull();
    expect(late.status).toBe('idle');
    const other = run([{ type: 'reset', conversationId: 'c2' }, { type: 'loaded', conversation: conv([]) }], left);
    expect(other.conversationId).toBe('c2');
    expect(other.status).toBe('loading');
  });

  it('adopts a conversation the new chat created (or a ?sid= session found)', () => {
    const s = run([{ type: 'reset', conversationId: null }, { type: 'loaded', conversation: conv([]), adopt: true }]);
    expect(s.conversationId).toBe('c1');
    expect(s.status).toBe('ready');
  });

  it('a partial page shows the branch the server resolved; older turns go before it; a whole page keeps the old rules', () => {
    const u1 = msg({ id: 'u1' });
    const a1 = msg({ id: 'a1', parentId: 'u1', role: 'assistant' });
    const u2 = msg({ id: 'u2', parentId: 'a1' });
    const a2 = msg({ id: 'a2', parentId: 'u2', role: 'assistant' });
    const a2b = msg({ id: 'a2b', parentId: 'u2', role: 'assistant' });
    let s = run([{ type: 'reset', conversationId: 'c1' },
      { type: 'loaded', conversation: conv([u2, a2, a2b]), page: { complete: false, olderCursor: 'u2', leafId: 'a2', older: { messages: 2, tokens: 40 } } }]);
    expect(s.paged).toBe(true);
    expect(s.older).toBe('u2');
    expect(s.olderTotals).toEqual({ messages: 2, tokens: 40 });
    expect(s.leafId).toBe('a2');
    s = chatReducer(s, { type: 'older_loaded', conversationId: 'c2', messages: [u1, a1], olderCursor: null });
    expect(s.nodes).toHaveLength(3);
    s = chatReducer(s, { type: 'older_loaded', conversationId: 'c1', messages: [a1, u1, u2], olderCursor: null });
    expect(s.nodes.map((n) => n.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'a2b']);
    expect(s.older).toBeNull();
    expect(s.olderTotals).toEqual({ messages: 0, tokens: 0 });
    s = chatReducer(s, { type: 'loaded', conversation: conv([u1, a1, u2, a2, a2b]), page: { complete: true, olderCursor: null, leafId: 'a2b' } });
    expect(s.paged).toBe(false);
    expect(s.leafId).toBe('a2');
  });
});
