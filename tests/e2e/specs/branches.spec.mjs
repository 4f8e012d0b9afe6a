// Regenerate, edit an earlier message, and switch between versions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assistants, lastAssistant, openApp, sendAndWait, users, waitIdle } from '../lib/helpers.mjs';

/** The "n/m" label of a message's version switcher, once it shows `expected` (bounded wait). */
async function versionOf(loc, expected) {
  const label = loc.locator('.version-label');
  if (expected) await label.filter({ hasText: expected }).waitFor({ timeout: 5_000 }).catch(() => undefined);
  return (await label.textContent())?.trim();
}

export default function branches(ctx) {
  test('regenerate: a new version of the reply, with a < 2/2 > switcher', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'regenerate me please');
      const firstId = await lastAssistant(page).getAttribute('data-message-id');
      await lastAssistant(page).getByRole('button', { name: 'Regenerate response' }).click();
      await page.waitForFunction((id) => {
        const a = [...document.querySelectorAll('article[data-role=assistant]')].pop();
        return a && a.getAttribute('data-message-id') !== id && a.getAttribute('data-status') !== 'streaming';
      }, firstId);
      await waitIdle(page);
      assert.equal(await assistants(page).count(), 1);
      assert.equal(await versionOf(lastAssistant(page), '2/2'), '2/2');
      assert.match(await lastAssistant(page).innerText(), /regenerate me please/);
      await lastAssistant(page).getByRole('button', { name: 'Previous version' }).click();
      assert.equal(await versionOf(lastAssistant(page), '1/2'), '1/2');
      assert.equal(await lastAssistant(page).getAttribute('data-message-id'), firstId);
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.reload();
      await lastAssistant(page).waitFor();
      assert.equal(await versionOf(lastAssistant(page), '1/2'), '1/2', 'after reload the chosen version shows (it is saved with the conversation)');
    } finally {
      await page.context().close();
    }
  });

  test('edit: an earlier message becomes a branch; versions switch to each branch', { timeout: 90_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'first question');
      await sendAndWait(page, 'second question');
      const first = users(page).first();
      await first.hover();
      await first.getByRole('button', { name: 'Edit message' }).click();
      const box = first.getByRole('textbox', { name: 'Edit message' });
      await box.fill('first question, edited');
      await first.getByRole('button', { name: 'Send' }).click();
      await page.waitForFunction(() => document.body.innerText.includes('first question, edited') &&
        [...document.querySelectorAll('article[data-role=assistant]')].some((a) => a.innerText.includes('first question, edited')));
      await waitIdle(page);
      assert.equal(await users(page).count(), 1, 'the edit starts a new branch after the first message');
      assert.equal(await versionOf(users(page).first(), '2/2'), '2/2');
      assert.equal(await page.locator('article', { hasText: 'second question' }).count(), 0);

      await users(page).first().hover();
      await users(page).first().getByRole('button', { name: 'Previous version' }).click();
      await page.locator('article[data-role=user]', { hasText: 'second question' }).waitFor();
      assert.equal(await users(page).count(), 2, 'the old branch shows down to its newest message');
      assert.equal(await versionOf(users(page).first(), '1/2'), '1/2');
      assert.match(await lastAssistant(page).innerText(), /second question/);

      await users(page).first().hover();
      await users(page).first().getByRole('button', { name: 'Next version' }).click();
      await page.locator('article[data-role=user]', { hasText: 'second question' }).waitFor({ state: 'detached' });
      assert.equal(await versionOf(users(page).first(), '2/2'), '2/2');
    } finally {
      await page.context().close();
    }
  });
}
