// Pin and folders: by the conversation's menu (and the keyboard), by dragging a row onto a folder; all kept by the
// server, so they survive a reload; deleting a folder keeps its conversations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeViolations, seriousViolations } from '../lib/axe.mjs';
import { apiJson, conversationIdOf, newChat, openApp, sendAndWait, waitFor } from '../lib/helpers.mjs';

const row = (page, id) => page.locator(`nav#sidebar li[data-conversation-id="${id}"]`);
const pinned = (page) => page.getByRole('region', { name: 'Pinned' });
const folder = (page, name) => page.getByRole('region', { name: `Folder ${name}` });

async function organise(page, id, item) {
  const r = row(page, id);
  await r.hover();
  await r.getByRole('button', { name: /^Organise/ }).click();
  await r.getByRole('menuitem', { name: item }).click();
}

export default function organiseSpec(ctx) {
  test('pin and folders: pin and move by menu, move by drag, and all of it survives a reload', { timeout: 120_000 }, async () => {
    const page = await ctx.page({ viewport: { width: 1280, height: 800 } });
    try {
      await openApp(page);
      const run = Date.now().toString(36);
      const ids = [];
      for (const word of ['alpha', 'beta', 'gamma']) {
        if (ids.length) await newChat(page);
        await sendAndWait(page, `organise ${word} ${run}`);
        ids.push(conversationIdOf(page));
      }
      const [a, b, c] = ids;
      const folderName = `Projects ${run}`;

      await organise(page, a, 'Pin');
      await pinned(page).locator(`li[data-conversation-id="${a}"]`).waitFor();

      await page.getByRole('button', { name: 'New folder' }).click();
      const name = page.getByRole('textbox', { name: 'New folder name' });
      await name.fill(folderName);
      await name.press('Enter');
      await folder(page, folderName).waitFor();

      // By the menu, from the keyboard: Enter opens it on its first item; Tab reaches "Move to".
      await row(page, b).getByRole('button', { name: /^Organise/ }).focus();
      await page.keyboard.press('Enter');
      await row(page, b).getByRole('menuitem', { name: 'Pin' }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Pin');
      const moveTo = row(page, b).getByRole('menuitem', { name: `Move to “${folderName}”` });
      while (!(await moveTo.evaluate((el) => el === document.activeElement))) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await folder(page, folderName).locator(`li[data-conversation-id="${b}"]`).waitFor();

      // By dragging the row onto the folder.
      await row(page, c).dragTo(folder(page, folderName).getByRole('button', { name: new RegExp(`^${folderName}`) }));
      await folder(page, folderName).locator(`li[data-conversation-id="${c}"]`).waitFor();

      await page.reload();
      await pinned(page).locator(`li[data-conversation-id="${a}"]`).waitFor();
      const inFolder = folder(page, folderName);
      await inFolder.locator(`li[data-conversation-id="${b}"]`).waitFor();
      await inFolder.locator(`li[data-conversation-id="${c}"]`).waitFor();
      const folders = await apiJson(page, '/api/folders');
      const created = folders.find((f) => f.name === folderName);
      assert.ok(created, JSON.stringify(folders));
      const organised = (await apiJson(page, '/api/conversations?organised=true&limit=200')).items;
      assert.equal(organised.find((x) => x.id === a)?.pinned, true);
      assert.equal(organised.find((x) => x.id === b)?.folderId, created.id);
      assert.equal(organised.find((x) => x.id === c)?.folderId, created.id);

      const violations = await seriousViolations(page);
      assert.equal(violations.length, 0, `sidebar with pins and folders:\n${describeViolations(violations)}`);

      // A folder collapses (and stays collapsed after a reload) and opens again.
      const toggle = inFolder.getByRole('button', { name: new RegExp(`^${folderName}`) });
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      await inFolder.locator(`li[data-conversation-id="${b}"]`).waitFor({ state: 'hidden' });
      await page.reload();
      await folder(page, folderName).waitFor();
      assert.equal(await folder(page, folderName).getByRole('button', { name: new RegExp(`^${folderName}`) }).getAttribute('aria-expanded'), 'false');
      await folder(page, folderName).getByRole('button', { name: new RegExp(`^${folderName}`) }).click();
      await folder(page, folderName).locator(`li[data-conversation-id="${b}"]`).waitFor();

      // Unpin; rename the folder; delete it: its conversations stay, out of any folder.
      await organise(page, a, 'Unpin');
      await waitFor(async () => (await apiJson(page, '/api/conversations?organised=true&limit=200')).items.every((x) => x.id !== a), 'unpinned');
      const renamed = `Renamed ${run}`;
      await folder(page, folderName).getByRole('button', { name: /^Rename folder/ }).click();
      const input = page.getByRole('textbox', { name: 'Folder name' });
      await input.fill(renamed);
      await input.press('Enter');
      await folder(page, renamed).waitFor();
      await folder(page, renamed).getByRole('button', { name: /^Delete folder/ }).click();
      await folder(page, renamed).waitFor({ state: 'detached' });
      for (const id of [b, c]) await row(page, id).waitFor();
      assert.equal((await apiJson(page, '/api/folders')).some((f) => f.id === created.id), false);
      const all = (await apiJson(page, '/api/conversations?limit=200')).items;
      for (const id of [b, c]) assert.equal(all.find((x) => x.id === id)?.folderId, null);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });
}
