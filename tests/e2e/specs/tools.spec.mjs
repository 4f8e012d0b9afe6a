// Per-conversation tool switches in the settings panel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiJson, conversationIdOf, lastAssistant, openApp, sendAndWait, waitFor } from '../lib/helpers.mjs';

const settingsDialog = (page) => page.getByRole('dialog', { name: 'Conversation settings' });

async function openSettings(page) {
  await page.getByRole('button', { name: 'Conversation settings' }).click();
  const dialog = settingsDialog(page);
  await dialog.getByRole('group', { name: 'Tools' }).getByRole('checkbox').first().waitFor();
  return dialog;
}

async function save(dialog) {
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Asks the mock model to call current_time; returns the reply's tool card, expanded. */
async function askForTheTime(page) {
  await sendAndWait(page, 'What time is it? [[mock:tool current_time {}]]');
  const card = lastAssistant(page).locator('details.tool-card[data-tool=current_time]');
  await card.waitFor();
  await card.locator('summary').click();
  await card.locator('.tool-body').waitFor();
  return card;
}

export default function tools(ctx) {
  test('a tool switched off in settings is not offered; Reset to defaults brings it back', { timeout: 90_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const all = (await apiJson(page, '/api/tools')).tools;
      assert.ok(all.some((t) => t.name === 'current_time' && t.enabledByDefault), 'current_time is a default tool');

      // A new chat: the choice is kept until the first message creates the conversation.
      let dialog = await openSettings(page);
      for (const t of all) {
        assert.equal(await dialog.getByRole('checkbox', { name: t.name }).isChecked(), t.enabledByDefault, `${t.name} reflects the defaults`);
      }
      assert.equal(await dialog.getByRole('button', { name: 'Reset to defaults' }).isDisabled(), true);
      await dialog.getByRole('checkbox', { name: 'current_time' }).uncheck();
      await save(dialog);

      let card = await askForTheTime(page);
      assert.match(await card.locator('.tool-state').innerText(), /Failed/);
      assert.equal(await card.locator('.tool-label').last().innerText(), 'Error');
      assert.match(await card.locator('.tool-result').innerText(), /no tool named "current_time"/);
      assert.doesNotMatch(await card.locator('.tool-result').innerText(), /\d{4}-\d{2}-\d{2}/);
      const id = conversationIdOf(page);
      const expected = all.filter((t) => t.enabledByDefault && t.name !== 'current_time').map((t) => t.name);
      assert.deepEqual((await apiJson(page, `/api/conversations/${id}`)).tools, expected, 'an explicit list was stored');

      dialog = await openSettings(page);
      assert.equal(await dialog.getByRole('checkbox', { name: 'current_time' }).isChecked(), false, 'the panel shows the stored choice');
      await dialog.getByRole('button', { name: 'Reset to defaults' }).click();
      assert.equal(await dialog.getByRole('checkbox', { name: 'current_time' }).isChecked(), true);
      await save(dialog);
      await waitFor(async () => (await apiJson(page, `/api/conversations/${id}`)).tools === null, 'tools reset to null');

      card = await askForTheTime(page);
      assert.match(await card.locator('.tool-state').innerText(), /Done/);
      assert.equal(await card.locator('.tool-label').last().innerText(), 'Result');
      assert.match(await card.locator('.tool-result').innerText(), /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    } finally {
      await page.context().close();
    }
  });

  test('switches work from the keyboard; a refused selection shows its reason in the panel', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      // A tool the server lists to this page only, so the real server refuses it by name.
      await page.route('**/api/tools', async (route) => {
        const res = await route.fetch();
        const body = await res.json();
        body.tools.push({ name: 'ghost_tool', description: 'Gone since.', enabledByDefault: false, source: 'mcp', server: 'ghosts' });
        await route.fulfill({ response: res, json: body });
      });
      await openApp(page);
      await sendAndWait(page, 'hello');
      const id = conversationIdOf(page);
      const dialog = await openSettings(page);
      const ghost = dialog.getByRole('checkbox', { name: /^ghost_tool/ });
      assert.match(await dialog.locator('label[for="tool-ghost_tool"]').innerText(), /MCP/);
      await ghost.focus();
      await page.keyboard.press('Space');
      assert.equal(await ghost.isChecked(), true);
      await dialog.getByRole('button', { name: 'Save' }).click();
      const alert = dialog.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /no tool named 'ghost_tool'/);
      assert.equal((await apiJson(page, `/api/conversations/${id}`)).tools, null, 'nothing was stored');

      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    } finally {
      await page.context().close();
    }
  });
}
