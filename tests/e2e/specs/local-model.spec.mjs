// A GGUF model run inside Parley (the llama provider) in the web app: with no API key it is the default model, the
// picker names it, and a reply streams from the real test model (shared/models/stories260K.gguf) and is stored.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { newPage } from '../lib/browser.mjs';
import { lastAssistant, openApp, send, waitIdle } from '../lib/helpers.mjs';
import { ParleyServer } from '../lib/server.mjs';

/** shared/models beside the repository (CI), or further up (a git worktree). */
function testModel() {
  for (let folder = resolve(new URL('../../..', import.meta.url).pathname); ; folder = dirname(folder)) {
    const path = join(folder, 'shared', 'models', 'stories260K.gguf');
    if (existsSync(path)) return path;
    if (dirname(folder) === folder) throw new Error('shared/models/stories260K.gguf was not found above the repository');
  }
}

export default function localModel(ctx) {
  let server = null;
  after(async () => {
    await server?.stop();
  });

  test('local model: the default with no key, named in the picker, and its reply streams and is stored', { timeout: 90_000 }, async () => {
    server = new ParleyServer({
      ownDataDir: true,
      noBuild: true,
      env: {
        Parley__Providers__local__Kind: 'llama',
        Parley__Providers__local__ModelPath: testModel(),
        Parley__Providers__local__Llama__ContextSize: '512',
        Parley__Providers__local__Llama__Threads: '1',
      },
    });
    await server.start();
    const page = await newPage(ctx.browser, server.url);
    try {
      await openApp(page);
      assert.match(await page.locator('#model-picker').innerText(), /local\/stories260K/);
      await send(page, 'Once upon a time there was a little frog');
      await waitIdle(page, 60_000);
      const reply = lastAssistant(page);
      assert.match(await reply.innerText(), /[a-z]{3,}/);
      assert.match(await reply.locator('.msg-model').innerText(), /local\/stories260K/);
      const list = await (await fetch(`${server.url}/api/conversations`)).json();
      const id = (list.items ?? list)[0].id;
      const stored = await (await fetch(`${server.url}/api/conversations/${id}`)).json();
      const assistant = stored.messages.filter((m) => m.role === 'assistant').pop();
      assert.equal(assistant.model, 'local/stories260K');
      assert.equal(assistant.status, 'complete');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });
}
