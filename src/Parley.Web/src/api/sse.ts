// The one Server-Sent Events parser: an async generator over a fetch body.
// Handles events split across reads, CRLF, multi-line data, comments, `data: [DONE]`
// and `event: error` frames. Yields each event's JSON payload; `onId` hears each event's `id:`
// (resumable streams: the last one seen is where a reconnect continues).

export interface SseError {
  type: 'error';
  content: string;
  code?: string;
}

function toEvent(eventName: string, data: string): unknown {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    payload = eventName === 'error' ? { type: 'error', content: data } : { type: 'text', content: data };
  }
  if (eventName === 'error' && (typeof payload !== 'object' || payload === null || !('type' in payload))) {
    const p = payload as Record<string, unknown> | string;
    const content = typeof p === 'string' ? p : String(p?.message ?? p?.content ?? 'The reply failed.');
    const code = typeof p === 'object' && p && typeof p.code === 'string' ? p.code : undefined;
    return { type: 'error', content, code } satisfies SseError;
  }
  return payload;
}

/** Parses an SSE byte stream; stops at `data: [DONE]` or the end of the stream. */
export async function* parseSse(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
  onId?: (id: string) => void,
): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let eventName = '';
  let eventId: string | null = null;
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (done) buffer += '\n\n';
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        // A lone '\r' at the end of the buffer may be the first half of '\r\n'.
        if (buffer[nl] === '\r' && nl === buffer.length - 1 && !done) break;
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (data.length) {
            const joined = data.join('\n');
            data = [];
            const name = eventName;
            eventName = '';
            if (joined.trim() === '[DONE]') return;
            if (eventId !== null) onId?.(eventId);
            yield toEvent(name, joined);
          }
          eventName = '';
          eventId = null;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? '' : line.slice(colon + 1);
        if (val.startsWith(' ')) val = val.slice(1);
        if (field === 'data') data.push(val);
        else if (field === 'event') eventName = val;
        else if (field === 'id') eventId = val;
      }
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
