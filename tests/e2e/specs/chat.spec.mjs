// Sending, streaming, stopping, tool cards, images.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG, apiJson, assistants, composer, conversationIdOf, lastAssistant, openApp, send, sendAndWait, users, waitIdle } from '../lib/helpers.mjs';

export default function chat(ctx) {
  test('send: the answer streams token by token, the URL and sidebar follow', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      assert.match(await page.locator('#model-picker').innerText(), /Echo \(mock, offline\)/);
      await page.evaluate(() => {
        window.__lengths = [];
        new MutationObserver(() => {
          const el = document.querySelector('article[data-role=assistant][data-status=streaming] .msg-body');
          if (el) window.__lengths.push(el.textContent.length);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';
      await send(page, `${words} [[mock:tps 10]]`);
      // Read the streaming state in one tick of the page: on a loaded machine separate reads can land after the reply ended.
      const whileStreaming = await (await page.waitForFunction(() => {
        const article = document.querySelector('article[data-status=streaming]');
        if (!article) return null;
        return {
          liveRegions: document.querySelectorAll('.msg-body[aria-live=polite]').length,
          stopButton: Boolean(document.querySelector('button[aria-label="Stop generating"]')),
        };
      })).jsonValue();
      assert.equal(whileStreaming.stopButton, true, 'Stop generating is offered while the answer streams');
      assert.equal(whileStreaming.liveRegions, 1, 'the streaming answer is a live region');
      await waitIdle(page);
      assert.match(await lastAssistant(page).innerText(), /alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu/);
      const lengths = await page.evaluate(() => [...new Set(window.__lengths)].filter((n) => n > 0));
      assert.ok(lengths.length >= 4, `expected the text to grow in steps, saw ${JSON.stringify(lengths)}`);
      const id = conversationIdOf(page);
      await page.locator(`nav#sidebar li[data-conversation-id="${id}"]`).waitFor();
      assert.match(await page.getByTestId('stats').innerText(), /2 messages · [1-9]\d* tokens/);
      assert.match(await lastAssistant(page).locator('.msg-model').innerText(), /Echo \(mock, offline\)/);
      assert.equal(await composer(page).inputValue(), '');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('stop: the Stop button and Esc end a reply, which is kept as incomplete', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await send(page, 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen [[mock:tps 4]]');
      await page.waitForFunction(() => (document.querySelector('article[data-status=streaming] .markdown')?.textContent ?? '').length > 0);
      await page.getByRole('button', { name: 'Stop generating' }).click();
      await page.getByRole('button', { name: 'Send message' }).waitFor({ timeout: 5_000 });
      await waitIdle(page);
      await lastAssistant(page).locator('.msg-note', { hasText: 'Stopped' }).waitFor();
      assert.doesNotMatch(await lastAssistant(page).innerText(), /fifteen/);
      const conv = await apiJson(page, `/api/conversations/${conversationIdOf(page)}`);
      const reply = conv.messages.find((m) => m.role === 'assistant');
      assert.equal(reply.status, 'incomplete');

      // Esc during the initial delay stops before the first token.
      const started = Date.now();
      await send(page, 'slow start [[mock:delay 4000]]');
      await page.locator('article[data-status=streaming]').waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Send message' }).waitFor({ timeout: 3_000 });
      assert.ok(Date.now() - started < 4_000, 'stopped before the delay ran out');
      await waitIdle(page);
    } finally {
      await page.context().close();
    }
  });

  test('tool call: a collapsible card with the default header, arguments and result', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'What time is it? [[mock:tool current_time {}]]');
      const card = lastAssistant(page).locator('details.tool-card[data-tool=current_time]');
      await card.waitFor();
      assert.equal((await card.locator('.tool-title').innerText()).trim(), 'Function call to current_time()');
      assert.equal(await card.locator('.tool-body').isVisible(), false, 'collapsed by default');
      await card.locator('summary').click();
      await card.locator('.tool-body').waitFor();
      assert.match(await card.locator('.tool-result').innerText(), /\d{4}-\d{2}-\d{2}/);
      assert.match(await card.locator('.tool-state').innerText(), /Done/);
      assert.match(await lastAssistant(page).locator('.markdown').innerText(), /\d{4}-\d{2}-\d{2}/);
      await page.reload();
      await lastAssistant(page).locator('details.tool-card[data-tool=current_time]').waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('images: picker with preview, sent to the model; wrong type and size refused', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const input = page.getByTestId('file-input');
      await input.setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
      assert.match(await page.locator('.composer-error').innerText(), /“tool.exe” is not a document type this server reads/);
      await input.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(6 * 1024 * 1024, 1) });
      assert.match(await page.locator('.composer-error').innerText(), /“huge.png” is 6.0 MB; images can be at most 5.0 MB/);
      await input.setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
      await page.getByAltText('Preview of dot.png').waitFor();
      assert.equal(await page.locator('.composer-error').count(), 0, 'a good file clears the error');
      await sendAndWait(page, 'What is in this picture?');
      assert.match(await lastAssistant(page).innerText(), /\(1 image received\)/);
      const img = users(page).last().locator('.msg-images img');
      await img.waitFor();
      assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'stored image loads');
      assert.equal(await page.locator('.attachment').count(), 0, 'attachments cleared after send');
      assert.equal(await assistants(page).count(), 1);
    } finally {
      await page.context().close();
    }
  });

  test('documents: a text file attached, read by the model, shown as a chip with a download link', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await page.getByTestId('file-input').setInputFiles({ name: 'plan.md', mimeType: 'text/markdown', buffer: Buffer.from('# Plan\nThe launch date is the fourth of May.') });
      await sendAndWait(page, 'When is the launch?');
      const reply = await lastAssistant(page).innerText();
      assert.match(reply, /fourth of May/, 'the document text reached the model');
      assert.match(reply, /When is the launch\?/);
      const chip = users(page).last().getByRole('link', { name: /plan\.md/ });
      await chip.waitFor();
      const href = await chip.getAttribute('href');
      const download = await page.request.get(href);
      assert.equal(download.status(), 200);
      assert.equal(await download.text(), '# Plan\nThe launch date is the fourth of May.');
    } finally {
      await page.context().close();
    }
  });
}
