// A reply outlives its connection: reload mid-reply, a second tab, stop from that tab, and the branch a
// follow-up is sent under (kept across a reload).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiJson, assistants, conversationIdOf, lastAssistant, openApp, send, sendAndWait, users, waitIdle } from '../lib/helpers.mjs';

const WORDS = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

/** Waits until the last reply shows some streamed text; returns its message id. */
async function streamingReply(page) {
  await page.waitForFunction(() => (document.querySelector('article[data-status=streaming] .markdown')?.textContent ?? '').length > 0,
    null, { timeout: 15_000 });
  return lastAssistant(page).getAttribute('data-message-id');
}

export default function resume(ctx) {
  test('reload mid-reply: the same message continues streaming and completes', { timeout: 90_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await send(page, `${WORDS} [[mock:tps 8]]`);
      const id = await streamingReply(page);
      await page.waitForURL(/\/c\//);
      await page.reload();
      await page.locator(`article[data-message-id="${id}"][data-status=streaming]`).waitFor({ timeout: 15_000 });
      await waitIdle(page, 30_000);
      assert.equal(await assistants(page).count(), 1, 'still one reply: the same message, not a new one');
      assert.equal(await lastAssistant(page).getAttribute('data-message-id'), id);
      assert.equal(await lastAssistant(page).getAttribute('data-status'), 'complete');
      assert.match(await lastAssistant(page).innerText(), /word0 word1 word2[\s\S]*word39/);
      const conv = await apiJson(page, `/api/conversations/${conversationIdOf(page)}`);
      const reply = conv.messages.find((m) => m.id === id);
      assert.equal(reply.status, 'complete');
      assert.equal(reply.text, WORDS);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('two tabs: the second shows the reply streaming, its sidebar updates live, and it can stop the reply', { timeout: 90_000 }, async () => {
    const a = await ctx.page();
    const b = await ctx.page();
    try {
      await openApp(a);
      await openApp(b);
      await send(a, `${WORDS} [[mock:tps 4]]`);
      const id = await streamingReply(a);
      await a.waitForURL(/\/c\//);
      const conversation = conversationIdOf(a);
      // Tab B's sidebar hears about the new conversation without a reload.
      await b.locator(`nav#sidebar li[data-conversation-id="${conversation}"]`).waitFor({ timeout: 10_000 });
      await b.locator(`nav#sidebar li[data-conversation-id="${conversation}"] a`).first().click();
      await b.locator(`article[data-message-id="${id}"][data-status=streaming]`).waitFor({ timeout: 15_000 });
      await b.waitForFunction((mid) => /word3/.test(document.querySelector(`article[data-message-id="${mid}"]`)?.textContent ?? ''), id, { timeout: 15_000 });

      await b.getByRole('button', { name: 'Stop generating' }).click();
      await waitIdle(b);
      await waitIdle(a);
      await a.locator(`article[data-message-id="${id}"] .msg-note`, { hasText: 'Stopped' }).waitFor({ timeout: 10_000 });
      await b.locator(`article[data-message-id="${id}"] .msg-note`, { hasText: 'Stopped' }).waitFor({ timeout: 10_000 });
      const conv = await apiJson(a, `/api/conversations/${conversation}`);
      const reply = conv.messages.find((m) => m.id === id);
      assert.equal(reply.status, 'incomplete');
      assert.doesNotMatch(reply.text, /word39/);
      assert.deepEqual(a.errors, []);
      assert.deepEqual(b.errors, []);
    } finally {
      await a.context().close();
      await b.context().close();
    }
  });

  test('a follow-up lands under the branch on screen, and that branch is shown again after a reload', { timeout: 90_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'version A');
      const first = users(page).first();
      await first.hover();
      await first.getByRole('button', { name: 'Edit message' }).click();
      await first.getByRole('textbox', { name: 'Edit message' }).fill('version B');
      await first.getByRole('button', { name: 'Send' }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('article[data-role=assistant]')].some((a) => a.innerText.includes('version B')));
      await waitIdle(page);
      await users(page).first().hover();
      await users(page).first().getByRole('button', { name: 'Previous version' }).click();
      await page.locator('article[data-role=user]', { hasText: 'version A' }).waitFor();

      await sendAndWait(page, 'follow-up on A');
      assert.deepEqual(await users(page).allInnerTexts().then((t) => t.map((x) => x.split('\n')[0].trim())), ['version A', 'follow-up on A']);
      const conv = await apiJson(page, `/api/conversations/${conversationIdOf(page)}`);
      const byId = Object.fromEntries(conv.messages.map((m) => [m.id, m]));
      const followUp = conv.messages.find((m) => m.role === 'user' && m.text === 'follow-up on A');
      assert.equal(byId[followUp.parentId].role, 'assistant');
      assert.equal(byId[byId[followUp.parentId].parentId].text, 'version A', 'the follow-up hangs under the reply to version A');

      await page.reload();
      await page.locator('article[data-role=user]', { hasText: 'follow-up on A' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('article[data-role=user]', { hasText: 'version B' }).count(), 0);

      // Switching branches is saved with the conversation too.
      await users(page).first().hover();
      await users(page).first().getByRole('button', { name: 'Next version' }).click();
      await page.locator('article[data-role=user]', { hasText: 'version B' }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.reload();
      await page.locator('article[data-role=user]', { hasText: 'version B' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('article[data-role=user]', { hasText: 'follow-up on A' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });
}
