// Per-conversation settings, clearing, drag-and-drop and paste, long conversations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG, apiJson, composer, conversationIdOf, lastAssistant, openApp, sendAndWait, users, waitFor } from '../lib/helpers.mjs';

async function fillConversation(base, turns) {
  const post = (path, body) => fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const conv = await (await post('/api/conversations', { title: 'A long conversation' })).json();
  for (let i = 0; i < turns; i++) await (await post(`/api/conversations/${conv.id}/messages`, { content: `message ${i} with **markdown** and \`code\`` })).text();
  return conv.id;
}

export default function settings(ctx) {
  test('preloaded messages from /api/config show in a new chat and are not stored', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const pre = page.locator('article[data-preloaded=true]');
      await pre.first().waitFor();
      assert.equal(await pre.first().locator('strong').innerText(), 'Parley', 'rendered as markdown');
      await sendAndWait(page, 'hello after the greeting');
      assert.equal(await pre.count(), 0);
      const c = await apiJson(page, `/api/conversations/${conversationIdOf(page)}`);
      assert.deepEqual(c.messages.map((m) => m.role), ['user', 'assistant']);
    } finally {
      await page.context().close();
    }
  });

  test('system prompt and temperature are saved per conversation; clear empties it', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'settings test');
      const id = conversationIdOf(page);
      await page.getByRole('button', { name: 'Conversation settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Conversation settings' });
      await dialog.getByLabel('System prompt').fill('You are terse.');
      await dialog.getByLabel(/Temperature/).fill('0.3');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await waitFor(async () => {
        const c = await apiJson(page, `/api/conversations/${id}`);
        return c.systemPrompt === 'You are terse.' && Math.abs(c.temperature - 0.3) < 1e-9;
      }, 'settings saved');

      await page.getByRole('button', { name: 'Clear conversation' }).click();
      await page.getByRole('button', { name: 'Clear all messages?' }).click();
      await users(page).first().waitFor({ state: 'detached' });
      const c = await apiJson(page, `/api/conversations/${id}`);
      assert.equal(c.messages.length, 0);
      assert.equal(c.systemPrompt, 'You are terse.', 'clearing keeps the settings');
    } finally {
      await page.context().close();
    }
  });

  test('the model picker sets the conversation model; each reply names its model', { timeout: 60_000 }, async (t) => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const models = (await apiJson(page, '/v1/models')).data;
      const other = models.find((m) => !m.is_default);
      if (!other) return t.skip('only one model is configured');
      await sendAndWait(page, 'first with the default model');
      const def = models.find((m) => m.is_default);
      assert.equal(await lastAssistant(page).locator('.msg-model').innerText(), def.display_name ?? def.id);
      await page.getByLabel('Model', { exact: true }).selectOption(other.id);
      const id = conversationIdOf(page);
      await waitFor(async () => (await apiJson(page, `/api/conversations/${id}`)).model === other.id, 'model saved');
      await sendAndWait(page, 'then with another model');
      assert.equal(await lastAssistant(page).locator('.msg-model').innerText(), other.display_name ?? other.id);
    } finally {
      await page.context().close();
    }
  });

  test('images by drag and drop and by paste show previews', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const b64 = PNG.toString('base64');
      const transfer = await page.evaluateHandle((data) => {
        const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
        return dt;
      }, b64);
      await page.locator('main.chat').dispatchEvent('dragover', { dataTransfer: transfer });
      await page.locator('main.chat').dispatchEvent('drop', { dataTransfer: transfer });
      await page.getByAltText('Preview of dropped.png').waitFor();
      await page.evaluate((data) => {
        const bytes = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
        document.querySelector('#composer-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, b64);
      await page.getByAltText('Preview of pasted.png').waitFor();
      await page.getByRole('button', { name: 'Remove dropped.png' }).click();
      assert.equal(await page.locator('.attachment').count(), 1);
      await sendAndWait(page, 'one image left');
      assert.match(await lastAssistant(page).innerText(), /\(1 image received\)/);
    } finally {
      await page.context().close();
    }
  });

  test('a 1,000-message conversation renders a window and stays responsive', { timeout: 180_000 }, async () => {
    const id = await fillConversation(ctx.server.url, 500);
    const page = await ctx.page();
    try {
      const started = Date.now();
      await openApp(page, `/c/${id}`);
      await users(page).filter({ hasText: 'message 499 with' }).waitFor();
      const loadMs = Date.now() - started;
      const rendered = await page.locator('article').count();
      assert.ok(rendered < 200, `only a window is rendered (${rendered} articles)`);
      assert.ok(loadMs < 8_000, `opened in ${loadMs} ms`);
      const frames = await page.evaluate(async () => {
        const ta = document.querySelector('#composer-input');
        ta.focus();
        const times = [];
        for (let i = 0; i < 20; i++) {
          const s = performance.now();
          document.execCommand('insertText', false, 'x');
          await new Promise((r) => requestAnimationFrame(() => r()));
          times.push(performance.now() - s);
        }
        return times;
      });
      const avg = frames.reduce((a, b) => a + b, 0) / frames.length;
      assert.ok(avg < 100, `typing stays responsive (avg ${avg.toFixed(1)} ms per keystroke frame)`);
      await composer(page).fill('');
      await page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));
      await page.waitForFunction((n) => document.querySelectorAll('article').length > n, rendered);
      await sendAndWait(page, 'the very last message');
      assert.match(await lastAssistant(page).innerText(), /the very last message/);
    } finally {
      await page.context().close();
    }
  });
}
