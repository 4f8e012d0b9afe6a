import { describe, expect, it } from 'vitest';
import { parseSse } from './sse';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

async function collect(chunks: string[]) {
  const out: unknown[] = [];
  for await (const ev of parseSse(streamOf(chunks))) out.push(ev);
  return out;
}

describe('parseSse', () => {
  it('parses one event per data line and stops at [DONE]', async () => {
    const evs = await collect(['data: {"type":"text","content":"a"}\n\ndata: {"type":"text","content":"b"}\n\ndata: [DONE]\n\ndata: {"type":"text","content":"late"}\n\n']);
    expect(evs).toEqual([{ type: 'text', content: 'a' }, { type: 'text', content: 'b' }]);
  });

  it('joins events split mid-line and mid-JSON across reads', async () => {
    const evs = await collect(['da', 'ta: {"type":"te', 'xt","content":"hel', 'lo"}\n', '\n', 'data: [DO', 'NE]\n\n']);
    expect(evs).toEqual([{ type: 'text', content: 'hello' }]);
  });

  it('handles CRLF line endings, including a CR and LF split across reads', async () => {
    const evs = await collect(['data: {"type":"text","content":"x"}\r', '\n\r\n', 'data: [DONE]\r\n\r\n']);
    expect(evs).toEqual([{ type: 'text', content: 'x' }]);
  });

  it('keeps multi-byte characters split across reads intact', async () => {
    const bytes = new TextEncoder().encode('data: {"type":"text","content":"héllo 👋"}\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 3) c.enqueue(bytes.slice(i, i + 3));
        c.close();
      },
    });
    const out: unknown[] = [];
    for await (const ev of parseSse(stream)) out.push(ev);
    expect(out).toEqual([{ type: 'text', content: 'héllo 👋' }]);
  });

  it('passes error events through and ignores comments', async () => {
    const evs = await collect([': keep-alive\n\n', 'data: {"type":"error","content":"The provider failed.","code":"provider_unavailable"}\n\n', 'data: [DONE]\n\n']);
    expect(evs).toEqual([{ type: 'error', content: 'The provider failed.', code: 'provider_unavailable' }]);
  });

  it('turns an `event: error` frame into an error event', async () => {
    const evs = await collect(['event: error\ndata: {"message":"boom","code":"internal"}\n\n']);
    expect(evs).toEqual([{ type: 'error', content: 'boom', code: 'internal' }]);
  });

  it('joins multi-line data and flushes a final event without a blank line', async () => {
    const evs = await collect(['data: {"type":"text",\ndata: "content":"a"}\n\n', 'data: {"type":"title","content":"T"}']);
    expect(evs).toEqual([{ type: 'text', content: 'a' }, { type: 'title', content: 'T' }]);
  });

  it('ends cleanly on a stream without [DONE]', async () => {
    expect(await collect(['data: {"type":"text","content":"a"}\n\n'])).toHaveLength(1);
    expect(await collect([])).toEqual([]);
  });
});
