// Screenshots for the README (light and dark), and the phone-width layout.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { apiJson, composer, conversationIdOf, newChat, openApp, sendAndWait } from '../lib/helpers.mjs';

const shots = new URL('../../../docs/screenshots/', import.meta.url).pathname;

export default function layout(ctx) {
  test('README screenshots: a markdown reply with a code block, light and dark', { timeout: 90_000 }, async () => {
    const page = await ctx.page({ viewport: { width: 1280, height: 800 } });
    try {
      await openApp(page);
      // The sidebar shows a pinned conversation and one filed in a folder.
      const travel = await apiJson(page, '/api/folders', { method: 'POST', data: { name: 'Travel' } });
      for (const [text, title, organise] of [['Plan a weekend in Lisbon', 'Weekend in Lisbon', { folderId: travel.id }],
        ['Explain Rust lifetimes simply', 'Rust lifetimes', { pinned: true }]]) {
        await sendAndWait(page, text);
        await apiJson(page, `/api/conversations/${conversationIdOf(page)}`, { method: 'PATCH', data: { title, ...organise } });
        await newChat(page);
      }
      await sendAndWait(page, 'How do I compute Fibonacci numbers in Python? [[mock:markdown]]');
      const id = conversationIdOf(page);
      await apiJson(page, `/api/conversations/${id}`, { method: 'PATCH', data: { title: 'Fibonacci in Python' } });
      await page.reload();
      await page.locator('.code-block').first().waitFor();
      await page.getByRole('region', { name: 'Folder Travel' }).locator('li.conv').waitFor();
      const dismiss = page.getByRole('button', { name: 'Dismiss notice' });
      if (await dismiss.count()) await dismiss.click();
      await page.locator('.messages').evaluate((el) => el.scrollTo(0, 0));
      mkdirSync(shots, { recursive: true });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.screenshot({ path: `${shots}light.png` });
      await page.emulateMedia({ colorScheme: 'dark' });
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(33, 33, 33)', 'dark theme follows prefers-color-scheme');
      await page.screenshot({ path: `${shots}dark.png` });
    } finally {
      await page.context().close();
    }
  });

  test('phone width: the sidebar collapses into a drawer', { timeout: 60_000 }, async () => {
    const page = await ctx.page({ viewport: { width: 390, height: 844 } });
    try {
      await openApp(page);
      const sidebar = page.locator('nav#sidebar');
      assert.equal(await sidebar.isVisible(), false, 'sidebar hidden at 390px');
      await composer(page).waitFor();
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling');
      await sendAndWait(page, 'hello from a phone');
      await page.getByRole('button', { name: 'Open sidebar' }).click();
      await sidebar.waitFor({ state: 'visible' });
      const box = await sidebar.boundingBox();
      assert.ok(box && box.width <= 320, `drawer width ${box?.width}`);
      await page.getByRole('button', { name: 'New chat' }).first().click();
      await sidebar.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Open sidebar' }).click();
      await sidebar.locator('li.conv a', { hasText: 'hello from a phone' }).first().click();
      await sidebar.waitFor({ state: 'hidden' });
      await page.locator('article[data-role=user]', { hasText: 'hello from a phone' }).waitFor();
    } finally {
      await page.context().close();
    }
  });
}
