import { describe, expect, it } from 'vitest';
import type { Message } from '../api/types';
import { conversationStats } from './stats';

const msg = (id: string, role: Message['role'], text: string, usage: Message['usage'] = null): Message => ({
  id, parentId: null, role, content: [{ type: 'text', text }], text, model: null, status: 'complete', error: null, usage, timings: null,
  createdAt: '2026-12-01T00:00:00Z',
});

describe('conversationStats', () => {
  it('counts the replies\' own tokens, not every call\'s prompt again', () => {
    const messages = {
      u1: msg('u1', 'user', 'x'.repeat(40)),
      a1: msg('a1', 'assistant', 'reply', { promptTokens: 1000, completionTokens: 30, totalTokens: 1030 }),
      u2: msg('u2', 'user', 'y'.repeat(8)),
      a2: msg('a2', 'assistant', 'reply', { promptTokens: 1045, completionTokens: 20, totalTokens: 1065 }),
      other: msg('other', 'assistant', 'another branch', { promptTokens: 5, completionTokens: 500, totalTokens: 505 }),
    };
    expect(conversationStats(['u1', 'a1', 'u2', 'a2'], messages)).toEqual({ messages: 4, tokens: 10 + 30 + 2 + 20 });
  });

  it('skips tool messages and estimates a reply without usage from its text', () => {
    const messages = { u: msg('u', 'user', 'abcd'), t: msg('t', 'tool', 'result'), a: msg('a', 'assistant', 'abcdefgh') };
    expect(conversationStats(['u', 't', 'a'], messages)).toEqual({ messages: 2, tokens: 1 + 2 });
  });

  it('adds what the server counted for the branch before the loaded page', () => {
    const messages = { u: msg('u', 'user', 'abcd'), a: msg('a', 'assistant', 'x', { promptTokens: 9000, completionTokens: 7, totalTokens: 9007 }) };
    expect(conversationStats(['u', 'a'], messages, { messages: 9998, tokens: 250_000 })).toEqual({ messages: 10_000, tokens: 250_008 });
  });
});
