// The official `openai` and `@anthropic-ai/sdk` npm clients, unchanged, against a running Parley (base URL = Parley):
// the offline mock models and a fake upstream that speaks OpenAI's and Anthropic's wire formats.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ParleyServer } from '../e2e/lib/server.mjs';
import { FakeUpstream } from './fake-upstream.mjs';

const TEST_TIMEOUT = 20_000;
let upstream;
let server;
let openai;
let anthropic;

before(async () => {
  upstream = await new FakeUpstream().start();
  server = new ParleyServer({
    ownDataDir: true,
    env: {
      OPENAI_API_KEY: 'sk-fake-openai',
      OPENAI_API_BASE: `${upstream.origin}/v1`,
      OPENAI_MODEL: 'gpt-fake',
      ANTHROPIC_API_KEY: 'sk-ant-fake',
      ANTHROPIC_BASE_URL: `${upstream.origin}/anthropic`,
      ANTHROPIC_MODEL: 'claude-fake',
      Parley__Resilience__MaxRetries: '0',
      Parley__Providers__openai__TimeoutSeconds: '10',
      Parley__Providers__anthropic__TimeoutSeconds: '10',
      // The same Anthropic upstream again, for an operator who lets translations drop what they cannot carry.
      Parley__Providers__lenient__Kind: 'anthropic',
      Parley__Providers__lenient__ApiKey: 'sk-ant-fake',
      Parley__Providers__lenient__BaseUrl: `${upstream.origin}/anthropic`,
      Parley__Providers__lenient__Models__0: 'claude-fake',
      Parley__Providers__lenient__DropUnsupportedParams: 'true',
      // The same OpenAI-compatible upstream, known to serve the Responses API: /v1/responses is relayed to it.
      Parley__Providers__relay__Kind: 'openai',
      Parley__Providers__relay__ApiKey: 'sk-fake-openai',
      Parley__Providers__relay__BaseUrl: `${upstream.origin}/v1`,
      Parley__Providers__relay__Models__0: 'gpt-fake',
      Parley__Providers__relay__Models__1: 'gpt-fake-missing',
      Parley__Providers__relay__ServesResponses: 'true',
      Mock__TokensPerSecond: '0',
    },
  });
  await server.start();
  const options = { apiKey: 'sk-unused', maxRetries: 0, timeout: 15_000 };
  openai = new OpenAI({ ...options, baseURL: `${server.url}/v1` });
  anthropic = new Anthropic({ ...options, baseURL: server.url });
}, { timeout: 120_000 });

after(async () => {
  await server?.stop();
  await upstream?.stop();
});

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('openai responses', { timeout: TEST_TIMEOUT }, () => {
  test('create answers with output text and usage', async () => {
    const response = await openai.responses.create({ model: 'mock/echo', input: 'hello responses', instructions: 'be brief' });
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, 'hello responses');
    assert.ok(response.usage.input_tokens > 0);
    assert.equal(response.usage.output_tokens, 2);
    assert.equal(response.usage.output_tokens_details.reasoning_tokens, 0);
  });

  test('stream sends the real event sequence, numbered', async () => {
    const stream = await openai.responses.create({ model: 'mock/echo', input: 'one two three', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    assert.deepEqual(types.slice(-5), ['response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    assert.equal(deltas, 'one two three');
    assert.equal(events.at(-1).response.output_text ?? events.at(-1).response.output[0].content[0].text, 'one two three');
  });

  test('the SDK stream helper assembles the final response', async () => {
    const stream = openai.responses.stream({ model: 'mock/echo', input: 'assembled text' });
    const final = await stream.finalResponse();
    assert.equal(final.output_text, 'assembled text');
  });

  test('function tools round trip over an OpenAI-compatible upstream', async () => {
    const first = await openai.responses.create({ model: 'openai/gpt-fake', input: 'weather in Oslo?', tools: [weatherTool] });
    const call = first.output.find((o) => o.type === 'function_call');
    assert.ok(call, 'a function_call item');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Oslo' });
    const sentTool = upstream.last('/chat/completions').tools[0];
    assert.equal(sentTool.function.name, 'get_weather');
    assert.equal(sentTool.function.strict, true);

    const second = await openai.responses.create({
      model: 'openai/gpt-fake',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }],
      tools: [weatherTool],
    });
    assert.equal(second.output_text, 'The tool said sunny');
    const messages = upstream.last('/chat/completions').messages;
    assert.equal(messages.at(-2).tool_calls[0].id, call.call_id);
    assert.equal(messages.at(-1).role, 'tool');
  });

  test('structured output: text.format json_schema reaches the upstream as response_format', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, temperature: { type: 'number' } }, required: ['city', 'temperature'], additionalProperties: false };
    const response = await openai.responses.create({
      model: 'openai/gpt-fake',
      input: 'weather as JSON',
      text: { format: { type: 'json_schema', name: 'weather', schema, strict: true } },
    });
    assert.deepEqual(JSON.parse(response.output_text), { city: 'Paris', temperature: 21 });
    const format = upstream.last('/chat/completions').response_format;
    assert.equal(format.type, 'json_schema');
    assert.equal(format.json_schema.name, 'weather');
    assert.equal(format.json_schema.strict, true);
    assert.deepEqual(format.json_schema.schema, schema);
  });

  test('previous_response_id, retrieve, input_items and delete', async () => {
    const first = await openai.responses.create({ model: 'mock/echo', input: 'remember me' });
    const second = await openai.responses.create({ model: 'mock/echo', input: 'and this', previous_response_id: first.id });
    assert.equal(second.previous_response_id, first.id);
    const fetched = await openai.responses.retrieve(second.id);
    assert.equal(fetched.id, second.id);
    assert.equal(fetched.output_text, 'and this');
    const items = await openai.responses.inputItems.list(second.id);
    assert.equal(items.data.length, 1);
    assert.equal(items.data[0].type, 'message');
    assert.equal(items.data[0].content[0].text, 'and this');
    await openai.responses.delete(second.id);
    await assert.rejects(openai.responses.retrieve(second.id), (e) => e instanceof OpenAI.NotFoundError && e.status === 404);
  });

  test('an unknown previous_response_id is a BadRequestError', async () => {
    await assert.rejects(
      openai.responses.create({ model: 'mock/echo', input: 'x', previous_response_id: 'resp_nope' }),
      (e) => e instanceof OpenAI.BadRequestError && /previous_response_id/.test(e.message),
    );
  });
});

describe('openai responses relayed to an upstream serving the Responses API', { timeout: TEST_TIMEOUT }, () => {
  test('stream: the upstream events arrive as sent, hosted tools included', async () => {
    const stream = await openai.responses.create({ model: 'relay/gpt-fake', input: 'hi', stream: true, tools: [{ type: 'web_search' }] });
    const events = [];
    for await (const event of stream) events.push(event);
    assert.equal(events.map((e) => e.type === 'response.output_text.delta' ? e.delta : '').join(''), 'Hello from the Responses upstream');
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    const completed = events.at(-1);
    assert.equal(completed.type, 'response.completed');
    assert.equal(completed.response.usage.output_tokens_details.reasoning_tokens, 1);
    const sent = upstream.last('/v1/responses');
    assert.equal(sent.model, 'gpt-fake');
    assert.deepEqual(sent.tools, [{ type: 'web_search' }]);
    const stored = await openai.responses.retrieve(completed.response.id);
    assert.equal(stored.output_text, 'Hello from the Responses upstream');
  });

  test('create, previous_response_id and an upstream 404', async () => {
    const first = await openai.responses.create({ model: 'relay/gpt-fake', input: 'hi' });
    assert.match(first.id, /^resp_upstream_/);
    const second = await openai.responses.create({ model: 'relay/gpt-fake', input: 'again', previous_response_id: first.id });
    assert.equal(second.previous_response_id, first.id);
    assert.equal(upstream.last('/v1/responses').previous_response_id, first.id);
    await assert.rejects(
      openai.responses.create({ model: 'relay/gpt-fake-missing', input: 'x' }),
      (e) => e instanceof OpenAI.NotFoundError && /gpt-fake-missing' does not exist/.test(e.message),
    );
  });
});

describe('openai embeddings, models, chat, completions', { timeout: TEST_TIMEOUT }, () => {
  test('embeddings as floats and as base64 decode to the same vector', async () => {
    const floats = await openai.embeddings.create({ model: 'mock/embed', input: ['same text', 'other'], encoding_format: 'float' });
    assert.equal(floats.data.length, 2);
    assert.ok(floats.data[0].embedding.length > 0);
    assert.ok(floats.usage.prompt_tokens > 0);
    const raw = await openai.embeddings.create({ model: 'mock/embed', input: 'same text', encoding_format: 'base64' });
    assert.equal(typeof raw.data[0].embedding, 'string');
    const bytes = Buffer.from(raw.data[0].embedding, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    assert.deepEqual(decoded, floats.data[0].embedding.map((v) => Math.fround(v)));
    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const implicit = await openai.embeddings.create({ model: 'mock/embed', input: 'same text' });
    assert.deepEqual(implicit.data[0].embedding, decoded);
  });

  test('models.list and models.retrieve with a slash id', async () => {
    const ids = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    assert.ok(ids.includes('mock/echo'), ids.join(', '));
    assert.ok(ids.includes('mock/embed'), ids.join(', '));
    const model = await openai.models.retrieve('mock/echo');
    assert.equal(model.id, 'mock/echo');
    assert.equal(model.object, 'model');
    await assert.rejects(openai.models.retrieve('mock/nope'), (e) => e instanceof OpenAI.NotFoundError);
  });

  test('chat completions with n = 2, plain and streamed', async () => {
    const plain = await openai.chat.completions.create({ model: 'mock/echo', n: 2, messages: [{ role: 'user', content: 'twice' }] });
    assert.deepEqual(plain.choices.map((c) => [c.index, c.message.content]), [[0, 'twice'], [1, 'twice']]);
    const stream = await openai.chat.completions.create({ model: 'mock/echo', n: 2, stream: true, messages: [{ role: 'user', content: 'two ways' }] });
    const text = ['', ''];
    for await (const chunk of stream) for (const choice of chunk.choices) text[choice.index] += choice.delta.content ?? '';
    assert.deepEqual(text, ['two ways', 'two ways']);
  });

  test('completions, plain and streamed', async () => {
    const plain = await openai.completions.create({ model: 'mock/echo', prompt: 'complete this', max_tokens: 20 });
    assert.equal(plain.object, 'text_completion');
    assert.equal(plain.choices[0].text, 'complete this');
    const stream = await openai.completions.create({ model: 'mock/echo', prompt: 'streamed prompt', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    assert.equal(text, 'streamed prompt');
  });

  test('an unknown model is a NotFoundError in OpenAI shape', async () => {
    await assert.rejects(
      openai.chat.completions.create({ model: 'mock/nope', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof OpenAI.NotFoundError && e.status === 404 && typeof e.error?.message === 'string',
    );
  });
});

describe('anthropic messages', { timeout: TEST_TIMEOUT }, () => {
  test('create, relayed to an Anthropic upstream', async () => {
    const message = await anthropic.messages.create({ model: 'anthropic/claude-fake', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(message.content[0].text, 'Hello from the fake Anthropic upstream');
    assert.equal(message.usage.input_tokens, 21);
    const sent = upstream.last('/anthropic/v1/messages');
    assert.equal(sent.model, 'claude-fake');
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'hi' }]);
  });

  test('create, translated for the mock', async () => {
    const message = await anthropic.messages.create({ model: 'mock/echo', max_tokens: 64, system: 'terse', messages: [{ role: 'user', content: 'echo me' }] });
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.content[0].text, 'echo me');
    assert.equal(message.stop_reason, 'end_turn');
  });

  for (const model of ['mock/echo', 'anthropic/claude-fake']) {
    test(`messages.stream text (${model})`, async () => {
      const stream = anthropic.messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: 'stream these words' }] });
      const types = [];
      stream.on('streamEvent', (event) => types.push(event.type));
      let text = '';
      stream.on('text', (delta) => (text += delta));
      const final = await stream.finalMessage();
      const expected = model === 'mock/echo' ? 'stream these words' : 'Hello from the fake Anthropic upstream';
      assert.equal(text, expected);
      assert.equal(final.content[0].text, expected);
      assert.equal(types[0], 'message_start');
      assert.equal(types.at(-1), 'message_stop');
      assert.ok(types.includes('content_block_start') && types.includes('content_block_delta') && types.includes('message_delta'));
    });
  }

  for (const model of ['anthropic/claude-fake', 'openai/gpt-fake']) {
    test(`tool round trip (${model})`, async () => {
      const tools = [{ name: 'get_weather', description: 'The weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
      const messages = [{ role: 'user', content: 'weather in Oslo?' }];
      const first = await anthropic.messages.create({ model, max_tokens: 64, tools, messages });
      assert.equal(first.stop_reason, 'tool_use');
      const use = first.content.find((b) => b.type === 'tool_use');
      assert.equal(use.name, 'get_weather');
      assert.deepEqual(use.input, { city: 'Oslo' });
      const second = await anthropic.messages.create({
        model, max_tokens: 64, tools,
        messages: [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny' }] }],
      });
      assert.equal(second.content[0].text, 'The tool said sunny');
    });
  }

  test('countTokens', async () => {
    const short = await anthropic.messages.countTokens({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
    const long = await anthropic.messages.countTokens({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi '.repeat(200) }] });
    assert.ok(short.input_tokens > 0);
    assert.ok(long.input_tokens > short.input_tokens + 100);
  });

  test('an image block reaches the model', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const content = [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'text', text: 'what is this' }];
    const echoed = await anthropic.messages.create({ model: 'mock/echo', max_tokens: 64, messages: [{ role: 'user', content }] });
    assert.equal(echoed.content[0].text, 'what is this (1 image received)');
    const relayed = await anthropic.messages.create({ model: 'anthropic/claude-fake', max_tokens: 64, messages: [{ role: 'user', content }] });
    assert.equal(relayed.content[0].text, 'I see 1 image');
    assert.equal(upstream.last('/anthropic/v1/messages').messages[0].content[0].source.data, png);
  });

  test('errors surface as the SDK error classes in Anthropic shape', async () => {
    await assert.rejects(
      anthropic.messages.create({ model: 'mock/nope', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof Anthropic.NotFoundError && e.status === 404 && e.error?.type === 'error' && e.error.error.type === 'not_found_error',
    );
    await assert.rejects(
      anthropic.messages.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof Anthropic.BadRequestError && e.error?.error?.type === 'invalid_request_error' && /max_tokens/.test(e.message),
    );
    await assert.rejects(
      anthropic.messages.create({ model: 'anthropic/claude-missing', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof Anthropic.APIError && e.status >= 400 && e.error?.type === 'error',
    );
  });
});

describe('fields only some providers honour are translated, refused or dropped out loud', { timeout: TEST_TIMEOUT }, () => {
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

  test('a strict function tool is refused for an Anthropic model, naming the field', async () => {
    await assert.rejects(
      openai.responses.create({ model: 'anthropic/claude-fake', input: 'weather?', tools: [weatherTool] }),
      (e) => e instanceof OpenAI.BadRequestError && e.message.includes("'tools[0].strict'"),
    );
    await assert.rejects(
      openai.chat.completions.create({
        model: 'anthropic/claude-fake',
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
      }),
      (e) => e instanceof OpenAI.BadRequestError && e.message.includes("'response_format.json_schema.strict'"),
    );
  });

  test('with DropUnsupportedParams the strict flag is dropped and listed in x-parley-dropped-params', async () => {
    const { data, response } = await openai.responses
      .create({ model: 'lenient/claude-fake', input: 'weather?', tools: [weatherTool] })
      .withResponse();
    assert.equal(response.headers.get('x-parley-dropped-params'), 'tools[0].strict');
    assert.equal(data.output.find((o) => o.type === 'function_call').name, 'get_weather');
    const sent = upstream.last('/anthropic/v1/messages').tools[0];
    assert.equal(sent.name, 'get_weather');
    assert.equal(sent.strict, undefined);
  });

  test('image detail reaches an OpenAI-compatible upstream through the Responses translation', async () => {
    await openai.responses.create({
      model: 'openai/gpt-fake',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'what is it' }, { type: 'input_image', image_url: png, detail: 'high' }] }],
    });
    const part = upstream.last('/chat/completions').messages.at(-1).content.find((p) => p.type === 'image_url');
    assert.equal(part.image_url.detail, 'high');
  });

  test('image detail is refused for an Anthropic model, naming the field', async () => {
    await assert.rejects(
      openai.chat.completions.create({
        model: 'anthropic/claude-fake',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: png, detail: 'low' } }] }],
      }),
      (e) => e instanceof OpenAI.BadRequestError && e.message.includes("'messages[0].content[1].image_url.detail'"),
    );
  });

  test('a strict Anthropic tool reaches an OpenAI-compatible upstream as a strict function', async () => {
    const tools = [{ name: 'get_weather', description: 'The weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }];
    const message = await anthropic.messages.create({ model: 'openai/gpt-fake', max_tokens: 64, tools, messages: [{ role: 'user', content: 'weather?' }] });
    assert.equal(message.stop_reason, 'tool_use');
    const sent = upstream.last('/chat/completions').tools[0].function;
    assert.equal(sent.name, 'get_weather');
    assert.equal(sent.strict, true);
  });
});
