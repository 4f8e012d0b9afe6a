// Settings that follow the user (theme, new-chat defaults) and the usage page against /api/usage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiJson, composer, conversationIdOf, openApp, sendAndWait } from '../lib/helpers.mjs';

const shots = new URL('../../../docs/screenshots/', import.meta.url).pathname;
const accountMenu = (page) => page.getByRole('button', { name: /^Account menu for/ });

async function openFromMenu(page, item) {
  await accountMenu(page).click();
  await page.getByRole('menuitem', { name: item }).click();
  const dialog = page.getByRole('dialog', { name: item });
  await dialog.waitFor();
  return dialog;
}

export default function account(ctx) {
  test('settings: theme and new-chat defaults are saved on the server and survive a reload', { timeout: 90_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      let dialog = await openFromMenu(page, 'Settings');
      await dialog.getByRole('radio', { name: 'Dark' }).check();
      await dialog.getByLabel('Default model for new chats').selectOption('mock/markdown');
      await dialog.getByLabel('System prompt for new chats').fill('Answer like a pirate.');
      await dialog.getByLabel(/^Temperature/).fill('0.3');
      await dialog.getByRole('button', { name: 'Save settings' }).click();
      await dialog.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await page.screenshot({ path: `${shots}settings.png` });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(dark, 'rgb(33, 33, 33)', 'the dark theme applies although the browser prefers light');

      await page.reload();
      await openApp(page);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      assert.equal(await page.locator('#model-picker').inputValue(), 'mock/markdown', 'a new chat starts with the default model');
      dialog = await openFromMenu(page, 'Settings');
      assert.ok(await dialog.getByRole('radio', { name: 'Dark' }).isChecked());
      assert.equal(await dialog.getByLabel('System prompt for new chats').inputValue(), 'Answer like a pirate.');
      assert.equal(await dialog.getByLabel(/^Temperature/).inputValue(), '0.3');
      await page.keyboard.press('Escape');

      await sendAndWait(page, 'hello with my defaults');
      const conv = await apiJson(page, `/api/conversations/${conversationIdOf(page)}`);
      assert.equal(conv.model, 'mock/markdown');
      assert.equal(conv.systemPrompt, 'Answer like a pirate.');
      assert.equal(conv.temperature, 0.3);
    } finally {
      await page.request.put('/api/me/preferences', { data: {} }).catch(() => undefined);
      await page.context().close();
    }
  });

  test('usage page: the numbers per model and day equal /api/usage, and the CSV export carries them', { timeout: 90_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'count this call in the usage page');
      const dialog = await openFromMenu(page, 'Usage');
      for (const groupBy of ['model', 'day']) {
        await dialog.getByLabel('Group by').selectOption(groupBy);
        await dialog.getByLabel('Period').selectOption('30');
        const link = dialog.getByRole('link', { name: 'Export CSV' });
        await page.waitForFunction((g) => document.querySelector('a[download]')?.getAttribute('href')?.includes(`groupBy=${g}`), groupBy);
        const href = await link.getAttribute('href');
        const query = href.split('?')[1];
        await dialog.getByTestId('usage-total').waitFor();
        await page.waitForLoadState('networkidle');
        const api = await apiJson(page, `/api/usage?${query}`);
        assert.ok(api.groups.length > 0, `usage by ${groupBy} has rows`);
        const rows = await dialog.getByTestId('usage-row').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
        const fmt = (n) => n.toLocaleString('en-US');
        assert.deepEqual(rows.map((r) => r.slice(0, 5)),
          api.groups.map((g) => [g.key, fmt(g.requests), fmt(g.promptTokens), fmt(g.completionTokens), fmt(g.totalTokens)]), `rows by ${groupBy}`);
        const total = await dialog.getByTestId('usage-total').evaluate((tr) => [...tr.children].map((c) => c.textContent));
        assert.deepEqual(total.slice(1, 5), [fmt(api.totals.requests), fmt(api.totals.promptTokens), fmt(api.totals.completionTokens), fmt(api.totals.totalTokens)]);
        if (groupBy === 'model') await page.screenshot({ path: `${shots}usage.png` });
        const csv = await (await page.request.get(href)).text();
        for (const g of api.groups) assert.ok(csv.includes(`${g.key},${g.requests},${g.promptTokens},${g.completionTokens},${g.totalTokens}`), `CSV has ${g.key}`);
      }
      assert.equal(await composer(page).count(), 1);
    } finally {
      await page.context().close();
    }
  });
}
