// axe-core on the main screens, light and dark; modal dialogs trap focus and give it back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeViolations, seriousViolations } from '../lib/axe.mjs';
import { openApp, sendAndWait } from '../lib/helpers.mjs';

async function expectClean(page, screen) {
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `${screen}: serious or critical axe-core violations:\n${describeViolations(violations)}`);
}

export default function a11y(ctx) {
  for (const scheme of ['light', 'dark']) {
    test(`axe-core: no serious or critical violations on the main screens (${scheme})`, { timeout: 120_000 }, async () => {
      const page = await ctx.page({ colorScheme: scheme });
      try {
        await openApp(page);
        await page.locator('.empty, .preloaded').first().waitFor();
        await expectClean(page, 'new chat');

        await sendAndWait(page, 'Show me a sample [[mock:markdown]]');
        await page.locator('.code-block').first().waitFor();
        await expectClean(page, 'conversation');

        await page.getByRole('button', { name: 'Conversation settings' }).click();
        await page.getByRole('dialog', { name: 'Conversation settings' }).waitFor();
        await expectClean(page, 'conversation settings');
        await page.keyboard.press('Escape');

        await page.getByRole('button', { name: /^Account menu for/ }).click();
        await page.getByRole('menu', { name: 'Account' }).waitFor();
        await expectClean(page, 'account menu');
        await page.keyboard.press('Escape');
      } finally {
        await page.context().close();
      }
    });
  }

  test('the conversation settings dialog keeps Tab inside and Escape returns focus to its button', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const opener = page.getByRole('button', { name: 'Conversation settings' });
      await opener.click();
      const dialog = page.getByRole('dialog', { name: 'Conversation settings' });
      await dialog.waitFor();
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press(i % 7 === 6 ? 'Shift+Tab' : 'Tab');
        assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), `focus left the dialog after ${i + 1} presses`);
      }
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.ok(await opener.evaluate((b) => b === document.activeElement), 'focus is back on the button that opened it');
    } finally {
      await page.context().close();
    }
  });
}
