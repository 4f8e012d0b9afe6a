// URLs, back button, refresh, ?sid=, server restart, sidebar search / rename / delete.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiJson, conversationIdOf, lastAssistant, openApp, sendAndWait, users, waitFor } from '../lib/helpers.mjs';

export default function navigation(ctx) {
  test('switch conversations from the sidebar; back and forward buttons work', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'apple conversation');
      const a = conversationIdOf(page);
      await page.getByRole('button', { name: 'New chat' }).first().click();
      await page.waitForURL((u) => u.pathname === '/');
      await page.locator('.empty, .preloaded').first().waitFor();
      await sendAndWait(page, 'banana conversation');
      const b = conversationIdOf(page);
      assert.notEqual(a, b);
      await page.locator(`nav#sidebar li[data-conversation-id="${a}"] a`).click();
      await page.waitForURL(`**/c/${a}`);
      await users(page).filter({ hasText: 'apple conversation' }).waitFor();
      assert.equal(await users(page).filter({ hasText: 'banana' }).count(), 0);
      await page.goBack();
      await page.waitForURL(`**/c/${b}`);
      await users(page).filter({ hasText: 'banana conversation' }).waitFor();
      await page.goForward();
      await users(page).filter({ hasText: 'apple conversation' }).waitFor();
    } finally {
      await page.context().close();
    }
  });

  test('refresh keeps the conversation; /c/{id} and ?sid= open it', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'remember this after a refresh');
      const id = conversationIdOf(page);
      await page.reload();
      await users(page).filter({ hasText: 'remember this after a refresh' }).waitFor();
      await lastAssistant(page).waitFor();
      const fresh = await ctx.page();
      await openApp(fresh, `/?sid=${id}`);
      await users(fresh).filter({ hasText: 'remember this after a refresh' }).waitFor();
      await fresh.waitForFunction((cid) => location.pathname === `/c/${cid}` && !location.search, id);
      await openApp(fresh, `/c/${id}`);
      await users(fresh).filter({ hasText: 'remember this after a refresh' }).waitFor();
      await openApp(fresh, '/c/c_doesnotexist');
      await fresh.getByRole('alert').filter({ hasText: /not|exist|found/i }).waitFor();
      await fresh.context().close();
    } finally {
      await page.context().close();
    }
  });

  test('seed 004: a fresh visit and every new chat get a ?sid= URL; the first send binds the session, which later shows the same history', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const sidOf = (p) => new URL(p.url()).searchParams.get('sid');
      const first = sidOf(page);
      assert.match(first ?? '', /^[0-9a-f]{12}$/, `a fresh visit's URL carries a session id: ${page.url()}`);
      await page.reload();
      await page.locator('#model-picker option').first().waitFor({ state: 'attached' });
      assert.equal(sidOf(page), first, 'a refresh keeps the session id');
      await sendAndWait(page, 'bound to my session');
      const id = conversationIdOf(page);
      const bound = await apiJson(page, `/api/sessions/${first}`);
      assert.equal(bound.id, id, 'the session names the conversation its first send started');
      await page.getByRole('button', { name: 'New chat' }).first().click();
      await page.waitForURL((u) => u.pathname === '/' && /^[0-9a-f]{12}$/.test(u.searchParams.get('sid') ?? ''));
      const second = sidOf(page);
      assert.notEqual(second, first, 'a new chat gets a session id of its own');
      await page.locator('.empty, .preloaded').first().waitFor();
      await sendAndWait(page, 'a second session');
      assert.notEqual(conversationIdOf(page), id);
      assert.equal((await apiJson(page, `/api/sessions/${second}`)).id, conversationIdOf(page));
      await page.goBack();
      await page.waitForURL(`**/c/${id}`);
      const fresh = await ctx.page();
      await openApp(fresh, `/?sid=${first}`);
      await users(fresh).filter({ hasText: 'bound to my session' }).waitFor();
      await fresh.waitForFunction((cid) => location.pathname === `/c/${cid}`, id);
      await fresh.context().close();
    } finally {
      await page.context().close();
    }
  });

  test('server restart: a banner while it is down, the conversation is still there after', { timeout: 180_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'survive a restart');
      const id = conversationIdOf(page);
      await ctx.server.stop();
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await page.getByTestId('banner').filter({ hasText: "Can't reach the Parley server" }).waitFor({ timeout: 10_000 });
      await ctx.server.start();
      await page.getByTestId('banner').filter({ hasText: "Can't reach" }).waitFor({ state: 'detached', timeout: 20_000 });
      await page.reload();
      await users(page).filter({ hasText: 'survive a restart' }).waitFor();
      assert.equal(conversationIdOf(page), id);
      assert.match(await lastAssistant(page).innerText(), /survive a restart/);
    } finally {
      await page.context().close();
    }
  });

  test('sidebar: search by content (Ctrl+K), rename, delete with undo', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'zebra crossings are striped');
      const id = conversationIdOf(page);
      await page.keyboard.press('Control+K');
      const search = page.getByRole('searchbox', { name: 'Search conversations' });
      assert.equal(await search.evaluate((el) => el === document.activeElement), true);
      await search.fill('striped');
      const row = page.locator(`nav#sidebar li[data-conversation-id="${id}"]`);
      await row.waitFor();
      await page.waitForFunction(() => document.querySelectorAll('nav#sidebar li.conv').length === 1);
      await search.fill('');

      await row.hover();
      await row.getByRole('button', { name: /^Rename/ }).click();
      const title = row.getByRole('textbox', { name: 'Conversation title' });
      await title.fill('Zebra facts');
      await title.press('Enter');
      await row.locator('.conv-title', { hasText: 'Zebra facts' }).waitFor();
      await waitFor(async () => (await apiJson(page, `/api/conversations/${id}`)).title === 'Zebra facts', 'title saved');

      await row.hover();
      await row.getByRole('button', { name: /^Delete/ }).click();
      await row.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Undo' }).click();
      await row.waitFor();
      await row.hover();
      await row.getByRole('button', { name: /^Delete/ }).click();
      await page.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 10_000 });
      const res = await page.request.get(`/api/conversations/${id}`);
      assert.equal(res.status(), 404);
    } finally {
      await page.context().close();
    }
  });
}
