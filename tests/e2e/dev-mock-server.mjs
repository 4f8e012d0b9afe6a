// Development-only stand-in for the Parley server (docs/api.md), used while the real
// server was being written. The e2e suite runs against the REAL server (run.sh).
// Usage: node dev-mock-server.mjs [port] [distDir]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

const port = Number(process.env.PORT ?? process.argv[2] ?? 5199);
const dist = process.argv[3] ?? new URL('../../src/Parley.Web/dist', import.meta.url).pathname;
const convs = new Map();
const running = new Map();
let seq = 0;
const id = (p) => `${p}_${(++seq).toString(36)}`;
const now = () => new Date().toISOString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const json = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};
const problem = (res, status, code, detail) => json(res, status, { title: code, status, detail, code });
const summary = (c) => ({ id: c.id, title: c.title, model: c.model, createdAt: c.createdAt, updatedAt: c.updatedAt, messageCount: c.messages.length, snippet: null });
const full = (c, withMessages = true) => {
  const usage = c.messages.reduce((u, m) => (m.usage ? { promptTokens: u.promptTokens + m.usage.promptTokens, completionTokens: u.completionTokens + m.usage.completionTokens, totalTokens: u.totalTokens + m.usage.totalTokens } : u), { promptTokens: 0, completionTokens: 0, totalTokens: 0 });
  return { ...summary(c), systemPrompt: c.systemPrompt, temperature: c.temperature, maxTokens: c.maxTokens, usage, ...(withMessages ? { messages: c.messages } : {}) };
};
const body = (req) => new Promise((r) => { let s = ''; req.on('data', (d) => (s += d)); req.on('end', () => { try { r(JSON.parse(s || '{}')); } catch { r({}); } }); });
const msg = (o) => ({ id: id('m'), parentId: null, role: 'user', content: [], text: '', model: null, status: 'complete', error: null, usage: null, timings: null, createdAt: now(), ...o });

const MARKDOWN = '## Sorting in Python\n\nHere is a **quick** example:\n\n- `sorted()` returns a new list\n- `list.sort()` sorts in place\n\n| function | in place |\n|---|---|\n| sorted | no |\n| sort | yes |\n\n```python\ndef fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```\n';
const HTML = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> [link](javascript:window.__xss=3)';

async function reply(res, c, parentId, userText, images, signal) {
  const send = (o) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  const a = msg({ role: 'assistant', parentId, model: c.model, status: 'complete' });
  send({ type: 'assistant_start', message: a });
  const delay = /\[\[mock:delay (\d+)\]\]/.exec(userText);
  if (delay) await sleep(Number(delay[1]));
  let text = userText.replace(/\[\[mock:[^\]]*\]\]/g, '').trim() || 'Hello!';
  if (userText.includes('[[mock:markdown]]')) text = MARKDOWN;
  if (userText.includes('[[mock:html]]')) text = HTML;
  if (images.length) text += ` (${images.length} image${images.length > 1 ? 's' : ''} received)`;
  const err = /\[\[mock:error (\d+)\]\]/.exec(userText);
  if (err) {
    a.status = 'error'; a.error = { code: 'provider_unavailable', message: `The model provider answered ${err[1]}. Retry in a moment.` };
    c.messages.push(a);
    send({ type: 'error', content: a.error.message, code: a.error.code }); send({ type: 'assistant_end', message: a });
    return;
  }
  const tool = /\[\[mock:tool (\w+) (\{.*?\})\]\]/.exec(userText);
  if (tool) {
    a.content.push({ type: 'tool_call', callId: 'call_1', name: tool[1], arguments: JSON.parse(tool[2]) });
    send({ type: 'tool_start', content: { id: 'call_1', name: tool[1], description: '', action: '', arguments: JSON.parse(tool[2]) } });
    await sleep(300);
    const result = new Date().toISOString();
    a.content.push({ type: 'tool_result', callId: 'call_1', name: tool[1], result, isError: false });
    send({ type: 'tool_end', content: { id: 'call_1', name: tool[1], result, isError: false } });
    text = `The current time is ${result}.`;
  }
  const tps = Number(/\[\[mock:tps (\d+)\]\]/.exec(userText)?.[1] ?? 60);
  let out = '';
  for (const w of text.split(/(?<=\s)/)) {
    if (signal.aborted) { a.status = 'incomplete'; break; }
    out += w; send({ type: 'text', content: w }); await sleep(1000 / tps);
  }
  a.content.push({ type: 'text', text: out }); a.text = out;
  a.usage = { promptTokens: 5, completionTokens: out.split(/\s+/).length, totalTokens: 5 + out.split(/\s+/).length };
  c.messages.push(a);
  send({ type: 'usage', content: a.usage });
  send({ type: 'assistant_end', message: a });
}

async function stream(req, res, c, fn) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  const ctl = new AbortController();
  running.set(c.id, ctl);
  req.on('close', () => ctl.abort());
  try { await fn(ctl.signal); } finally { running.delete(c.id); c.updatedAt = now(); res.end('data: [DONE]\n\n'); }
}

async function api(req, res, url) {
  const parts = url.pathname.split('/').filter(Boolean).slice(2);
  const m = req.method;
  if (parts.length === 0) {
    if (m === 'GET') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const items = [...convs.values()].filter((c) => !q || c.title.toLowerCase().includes(q) || c.messages.some((x) => x.text.toLowerCase().includes(q)))
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).map(summary);
      return json(res, 200, { items, nextCursor: null });
    }
    const b = await body(req);
    const c = { id: id('c'), title: b.title ?? 'New chat', model: b.model ?? 'mock/echo', systemPrompt: b.systemPrompt ?? null, temperature: b.temperature ?? null, maxTokens: null, createdAt: now(), updatedAt: now(), messages: [] };
    convs.set(c.id, c);
    return json(res, 201, full(c, false));
  }
  const c = convs.get(parts[0]);
  if (!c) return problem(res, 404, 'conversation_not_found', 'No such conversation.');
  if (parts.length === 1) {
    if (m === 'GET') return json(res, 200, full(c));
    if (m === 'DELETE') { convs.delete(c.id); res.writeHead(204); return res.end(); }
    Object.assign(c, await body(req)); c.updatedAt = now();
    return json(res, 200, full(c, false));
  }
  if (parts[1] === 'cancel') { running.get(c.id)?.abort(); return json(res, 202, {}); }
  if (parts[1] === 'messages' && parts.length === 2 && m === 'DELETE') { c.messages = []; res.writeHead(204); return res.end(); }
  if (parts[1] === 'messages' && parts.length === 2) {
    const b = await body(req);
    if (!b.content?.trim() && !b.images?.length) return problem(res, 400, 'empty_message', 'Type a message first.');
    const leaf = c.messages[c.messages.length - 1]?.id ?? null;
    const u = msg({ parentId: b.parentId === undefined ? leaf : b.parentId, text: b.content, content: [...(b.images ?? []).map((url) => ({ type: 'image', url, mediaType: 'image/png' })), { type: 'text', text: b.content }] });
    c.messages.push(u);
    if (c.title === 'New chat') c.title = b.content.replace(/\[\[mock:[^\]]*\]\]/g, '').trim().slice(0, 40) || 'New chat';
    return stream(req, res, c, async (signal) => {
      res.write(`data: ${JSON.stringify({ type: 'user_message', message: u })}\n\n`);
      res.write(`data: ${JSON.stringify({ type: 'title', content: c.title })}\n\n`);
      await reply(res, c, u.id, b.content, b.images ?? [], signal);
    });
  }
  if (parts[3] === 'regenerate') {
    const target = c.messages.find((x) => x.id === parts[2]);
    if (!target) return problem(res, 404, 'message_not_found', 'No such message.');
    const user = target.role === 'user' ? target : c.messages.find((x) => x.id === target.parentId);
    return stream(req, res, c, (signal) => reply(res, c, user.id, user.text, user.content.filter((p) => p.type === 'image'), signal));
  }
  return problem(res, 404, 'invalid_request', 'Unknown route.');
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    if (url.pathname.startsWith('/api/conversations')) return await api(req, res, url);
    if (url.pathname === '/api/config') return json(res, 200, { name: 'Parley', defaultModel: 'mock/echo', functions: { web_search: 'Searching the **web**...' }, messages: [], limits: { maxImageBytes: 5242880, maxMessageChars: 100000, imageTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] } });
    if (url.pathname === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'mock/echo', object: 'model', created: 0, owned_by: 'mock', display_name: 'Echo (mock, offline)', is_default: true, is_mock: true, vision: true }] });
    if (url.pathname === '/health') return json(res, 200, { status: 'healthy', warnings: [] });
    const file = url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg' ? url.pathname : '/index.html';
    const data = await readFile(join(dist, file));
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(data);
  } catch (e) {
    if (!res.headersSent) problem(res, 500, 'internal', String(e));
  }
}).listen(port, '127.0.0.1', () => console.log(`dev mock server on http://127.0.0.1:${port}`));
