import { describe, expect, it } from 'vitest';
import type { Message } from '../api/types';
import { textOf, toolResults, toTurns } from './turns';

const m = (id: string, role: Message['role'], content: Message['content'] = []): Message => ({
  id, parentId: null, role, content, text: '', model: null, status: 'complete', error: null, usage: null, timings: null, createdAt: '',
});

describe('toTurns', () => {
  it('groups assistant and tool messages under the user message before them', () => {
    const msgs = {
      u1: m('u1', 'user'),
      a1: m('a1', 'assistant', [{ type: 'tool_call', callId: 'c', name: 't', arguments: {} }]),
      t1: m('t1', 'tool', [{ type: 'tool_result', callId: 'c', name: 't', result: 'r', isError: false }]),
      a2: m('a2', 'assistant', [{ type: 'text', text: 'done' }]),
      u2: m('u2', 'user'),
    };
    const turns = toTurns(['u1', 'a1', 't1', 'a2', 'u2'], msgs);
    expect(turns.map((t) => [t.user?.id, t.replies.map((r) => r.id)])).toEqual([['u1', ['a1', 't1', 'a2']], ['u2', []]]);
    expect(toolResults(turns[0].replies).get('c')?.result).toBe('r');
    expect(textOf(turns[0].replies)).toBe('done');
  });
});
