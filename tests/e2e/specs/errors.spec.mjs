// Readable errors with Retry; nothing typed is lost; huge pastes refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composer, openApp, send, waitIdle } from '../lib/helpers.mjs';

export default function errors(ctx) {
  test('a provider error shows inline with Retry, and the message stays once (not also back in the box)', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const typed = 'this one fails [[mock:error 503]]';
      await send(page, typed);
      const alert = page.locator('article[data-role=assistant] [role=alert], .failure');
      await alert.first().waitFor();
      await waitIdle(page);
      const text = await alert.first().innerText();
      assert.doesNotMatch(text, /[{}]|undefined|\[object/, `readable: ${text}`);
      assert.ok(text.length > 10);
      assert.equal(await composer(page).inputValue(), '', 'the failed message is not put back in the box too (Enter would send it twice)');
      assert.equal(await page.locator('article[data-role=user]', { hasText: typed }).count(), 1, 'the message shows once');

      const before = await page.locator('article[data-role=assistant]').last().getAttribute('data-message-id');
      await page.getByRole('button', { name: 'Retry' }).first().click();
      await page.waitForFunction((id) => {
        const a = [...document.querySelectorAll('article[data-role=assistant]')].pop();
        return a && a.getAttribute('data-message-id') !== id;
      }, before);
      await waitIdle(page);
      await alert.first().waitFor();
      assert.equal(await composer(page).inputValue(), '');
      assert.equal(await page.locator('article[data-role=user]', { hasText: typed }).count(), 1, 'Retry regenerates; the message still shows once');
    } finally {
      await page.context().close();
    }
  });

  test('a paste over the size limit is refused with a message', { timeout: 30_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const limit = (await (await page.request.get('/api/config')).json()).limits.maxMessageChars;
      await composer(page).focus();
      await page.evaluate((n) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', 'x'.repeat(n + 1));
        document.querySelector('#composer-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, limit);
      await page.locator('.composer-error', { hasText: /limit is/ }).waitFor();
      assert.equal(await composer(page).inputValue(), '');
    } finally {
      await page.context().close();
    }
  });
}
