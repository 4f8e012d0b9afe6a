// Markdown rendering and script-injection payloads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastAssistant, openApp, sendAndWait } from '../lib/helpers.mjs';

export default function content(ctx) {
  test('markdown: headings, lists, tables and a highlighted code block with label and copy', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'markdown please [[mock:markdown]]');
      const md = lastAssistant(page).locator('.markdown').first();
      assert.ok((await md.locator('h1, h2, h3').count()) >= 1);
      assert.ok((await md.locator('li').count()) >= 2);
      assert.ok((await md.locator('table td').count()) >= 2);
      const block = md.locator('.code-block').first();
      assert.equal((await block.locator('.code-lang').innerText()).trim(), 'python');
      assert.ok((await block.locator('code .hljs-keyword').count()) > 0, 'highlighted');
      await block.getByRole('button', { name: 'Copy code' }).click();
      await block.locator('.code-copy', { hasText: 'Copied' }).waitFor();
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(clip, await block.locator('code').innerText());
    } finally {
      await page.context().close();
    }
  });

  test('XSS payloads in a reply stay inert', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'inject [[mock:html]]');
      const check = async () => {
        await page.waitForTimeout(300);
        assert.equal(await page.evaluate(() => window.__xss), undefined);
        const msg = lastAssistant(page);
        assert.equal(await msg.locator('script').count(), 0);
        assert.equal(await msg.locator('img[onerror], [onerror], [onload]').count(), 0);
        assert.equal(await msg.locator('a[href^="javascript" i]').count(), 0);
        assert.match(await msg.innerText(), /<script>window.__xss=1<\/script>/, 'raw HTML is shown as text');
      };
      await check();
      await page.reload();
      await lastAssistant(page).waitFor();
      await check();
    } finally {
      await page.context().close();
    }
  });
}
