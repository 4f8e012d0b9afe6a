// A fake hosted-LLM upstream on 127.0.0.1 for the SDK conformance suite: OpenAI chat completions (`/v1/chat/completions`)
// OpenAI Responses (`/v1/responses`) and Anthropic Messages (`/anthropic/v1/messages`), streamed (real SSE framing) and not. It records every body it
// receives and answers by what the request holds: a response_format gets JSON, tools get a tool call, a tool result gets
// a sentence quoting it, anything else a fixed greeting. The model `*-missing` gets the API's own 404 error.
import { createServer } from 'node:http';

const MAX_BODY = 1 << 20;

export class FakeUpstream {
  constructor() {
    this.requests = [];
    this.server = createServer((req, res) => this.#handle(req, res));
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin() {
    return `http://127.0.0.1:${this.server.address().port}`;
  }

  /** The last body received on a path ending with `suffix`. */
  last(suffix) {
    const hit = this.requests.findLast((r) => r.path.endsWith(suffix));
    if (!hit) throw new Error(`the fake upstream received nothing on ${suffix}`);
    return hit.body;
  }

  async stop() {
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(resolve));
  }

  async #handle(req, res) {
    let size = 0;
    const chunks = [];
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) return json(res, 413, { error: { message: 'too large' } });
      chunks.push(chunk);
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return json(res, 400, { error: { message: 'invalid JSON' } });
    }
    const path = req.url.split('?')[0];
    this.requests.push({ path, body, headers: req.headers });
    if (req.method === 'POST' && path === '/v1/chat/completions') return chatCompletions(body, res);
    if (req.method === 'POST' && path === '/anthropic/v1/messages') return anthropicMessages(body, res);
    if (req.method === 'POST' && path === '/v1/responses') return responses(body, res);
    return json(res, 404, { error: { message: `no route ${path}` } });
  }
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function sse(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  return (event, data) => res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

function openAIReply(body) {
  const last = body.messages?.at(-1);
  if (last?.role === 'tool') return { text: `The tool said ${last.content}` };
  if (body.response_format) return { text: '{"city":"Paris","temperature":21}' };
  if (body.tools?.length) return { tool: { id: 'call_fake_1', name: body.tools[0].function.name, arguments: '{"city":"Oslo"}' } };
  return { text: 'Hello from the fake upstream' };
}

function chatCompletions(body, res) {
  if (String(body.model).endsWith('-missing'))
    return json(res, 404, { error: { message: `The model '${body.model}' does not exist`, type: 'invalid_request_error', code: 'model_not_found' } });
  const reply = openAIReply(body);
  const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
  const base = { id: 'chatcmpl-fake', created: 1764900000, model: body.model };
  const toolCall = reply.tool && { id: reply.tool.id, type: 'function', function: { name: reply.tool.name, arguments: reply.tool.arguments } };
  const finish = reply.tool ? 'tool_calls' : 'stop';
  if (!body.stream) {
    const message = reply.tool ? { role: 'assistant', content: null, tool_calls: [toolCall] } : { role: 'assistant', content: reply.text };
    return json(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage });
  }
  const send = sse(res);
  const chunk = (delta, finishReason = null) => send(null, { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] });
  chunk({ role: 'assistant', content: '' });
  if (reply.tool) chunk({ tool_calls: [{ index: 0, ...toolCall }] });
  else for (const piece of reply.text.match(/\S+\s*/g)) chunk({ content: piece });
  chunk({}, finish);
  if (body.stream_options?.include_usage) send(null, { ...base, object: 'chat.completion.chunk', choices: [], usage });
  send(null, '[DONE]');
  res.end();
}

function anthropicReply(body) {
  const last = body.messages?.at(-1);
  const blocks = Array.isArray(last?.content) ? last.content : [{ type: 'text', text: String(last?.content ?? '') }];
  const result = blocks.find((b) => b.type === 'tool_result');
  if (result) return { text: `The tool said ${typeof result.content === 'string' ? result.content : JSON.stringify(result.content)}` };
  const images = blocks.filter((b) => b.type === 'image').length;
  if (images) return { text: `I see ${images} image${images === 1 ? '' : 's'}` };
  if (body.tools?.length) return { tool: { id: 'toolu_fake_1', name: body.tools[0].name, input: { city: 'Oslo' } } };
  return { text: 'Hello from the fake Anthropic upstream' };
}

function anthropicMessages(body, res) {
  if (String(body.model).endsWith('-missing'))
    return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `model: ${body.model}` } });
  const reply = anthropicReply(body);
  const stop = reply.tool ? 'tool_use' : 'end_turn';
  const content = reply.tool ? [{ type: 'tool_use', ...reply.tool }] : [{ type: 'text', text: reply.text }];
  const message = { id: 'msg_fake_1', type: 'message', role: 'assistant', model: body.model };
  if (!body.stream)
    return json(res, 200, { ...message, content, stop_reason: stop, stop_sequence: null, usage: { input_tokens: 21, output_tokens: 6 } });
  const send = sse(res);
  send('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 21, output_tokens: 1 } } });
  send('ping', { type: 'ping' });
  if (reply.tool) {
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: reply.tool.id, name: reply.tool.name, input: {} } });
    send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(reply.tool.input) } });
  } else {
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const piece of reply.text.match(/\S+\s*/g))
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } });
  }
  send('content_block_stop', { type: 'content_block_stop', index: 0 });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 6 } });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

function responses(body, res) {
  if (String(body.model).endsWith('-missing'))
    return json(res, 404, { error: { message: `The model '${body.model}' does not exist`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
  const text = 'Hello from the Responses upstream';
  const id = `resp_upstream_${Date.now()}`;
  const usage = { input_tokens: 9, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 14 };
  const message = (status, t) => ({ id: 'msg_up_1', type: 'message', status, role: 'assistant', content: t === null ? [] : [{ type: 'output_text', text: t, annotations: [] }] });
  const response = (status, output, u) => ({
    id, object: 'response', created_at: 1764900000, status, error: null, incomplete_details: null, model: body.model, output,
    parallel_tool_calls: true, previous_response_id: body.previous_response_id ?? null, store: true, tools: body.tools ?? [], usage: u,
  });
  if (!body.stream) return json(res, 200, response('completed', [message('completed', text)], usage));
  const send = sse(res);
  let sequence = 0;
  const event = (type, data) => send(type, { type, sequence_number: sequence++, ...data });
  event('response.created', { response: response('in_progress', [], null) });
  event('response.in_progress', { response: response('in_progress', [], null) });
  event('response.output_item.added', { output_index: 0, item: message('in_progress', null) });
  event('response.content_part.added', { item_id: 'msg_up_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
  for (const delta of text.match(/\S+\s*/g))
    event('response.output_text.delta', { item_id: 'msg_up_1', output_index: 0, content_index: 0, delta, logprobs: [] });
  event('response.output_text.done', { item_id: 'msg_up_1', output_index: 0, content_index: 0, text, logprobs: [] });
  event('response.content_part.done', { item_id: 'msg_up_1', output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
  event('response.output_item.done', { output_index: 0, item: message('completed', text) });
  event('response.completed', { response: response('completed', [message('completed', text)], usage) });
  res.end();
}
