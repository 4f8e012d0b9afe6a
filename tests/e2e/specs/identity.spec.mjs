// Identity in the web app: single-user mode needs no sign-in; a second server in accounts
// mode (Parley__Auth__Mode=accounts with a bootstrap admin) asks for one, creates an API key
// whose secret is shown once, returns to a deep link after sign-in, and signs out.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { newPage } from '../lib/browser.mjs';
import { lastAssistant, openApp, sendAndWait } from '../lib/helpers.mjs';
import { ParleyServer } from '../lib/server.mjs';

const shots = new URL('../../../docs/screenshots/', import.meta.url).pathname;
const ADMIN = 'admin';
const PASSWORD = 'e2e-admin-password-7';

const signInForm = (page) => page.getByRole('form', { name: /Sign in to/ });
const sidebar = (page) => page.getByRole('navigation', { name: 'Conversations' });
const accountMenu = (page) => page.getByRole('button', { name: /^Account menu for/ });

async function signIn(page, username, password) {
  const form = signInForm(page);
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Password').fill(password);
  await form.getByLabel('Password').press('Enter');
}

export default function identity(ctx) {
  let accounts = null;
  /** The accounts-mode server, started once beside the suite's single-user server. */
  const accountsServer = async () => {
    if (!accounts) {
      const server = new ParleyServer({
        ownDataDir: true,
        noBuild: true,
        env: { Parley__Auth__Mode: 'accounts', PARLEY_ADMIN_USER: ADMIN, PARLEY_ADMIN_PASSWORD: PASSWORD },
      });
      accounts = server;
      await server.start();
    }
    return accounts;
  };
  after(async () => {
    await accounts?.stop();
    if (process.env.PARLEY_E2E_VERBOSE && accounts) console.log(`accounts server log: ${accounts.logPath}`);
  });

  test('single-user mode: no sign-in, the user menu says so and has no sign-out', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      assert.equal(await signInForm(page).count(), 0);
      await accountMenu(page).click();
      const menu = page.getByRole('menu', { name: 'Account' });
      await menu.getByRole('menuitem', { name: 'API keys' }).waitFor();
      assert.match(await menu.innerText(), /Single-user mode/);
      assert.equal(await menu.getByRole('menuitem', { name: 'Sign out' }).count(), 0);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
    } finally {
      await page.context().close();
    }
  });

  test('accounts mode: wrong then right password, a key shown once, a deep link kept, sign out', { timeout: 240_000 }, async () => {
    const server = await accountsServer();
    const page = await newPage(ctx.browser, server.url);
    try {
      // Signed out, the APIs answer 401 with a problem body.
      const anonymous = await fetch(`${server.url}/api/auth/session`);
      assert.equal(anonymous.status, 401);
      assert.equal((await anonymous.json()).code, 'unauthenticated');

      await page.goto('/');
      await signInForm(page).waitFor();
      assert.equal(await sidebar(page).count(), 0, 'the app is not shown before sign-in');
      await page.screenshot({ path: `${shots}sign-in.png` });

      await signIn(page, ADMIN, 'not-the-password');
      const alert = signInForm(page).getByRole('alert');
      await alert.waitFor();
      assert.ok((await alert.innerText()).trim().length > 0, 'the server detail is shown');
      assert.equal(await signInForm(page).getByLabel('Password').inputValue(), '', 'the wrong password is cleared');

      await signIn(page, ADMIN, PASSWORD);
      await sidebar(page).waitFor();
      await page.locator('#model-picker option').first().waitFor({ state: 'attached' });
      const cookies = await page.context().cookies(server.url);
      assert.ok(cookies.some((c) => c.httpOnly), `an HttpOnly session cookie (got ${JSON.stringify(cookies.map((c) => [c.name, c.httpOnly]))})`);
      assert.match(await accountMenu(page).innerText(), /admin/);

      // A reload keeps the session.
      await page.reload();
      await sidebar(page).waitFor();

      // Create a key: the secret is shown once, works as a Bearer key, and never comes back.
      await accountMenu(page).click();
      await page.getByRole('menuitem', { name: 'API keys' }).click();
      const dialog = page.getByRole('dialog', { name: 'API keys' });
      await dialog.getByRole('button', { name: 'New key' }).click();
      const form = dialog.getByRole('form', { name: 'New key' });
      await form.getByLabel('Name', { exact: true }).fill('e2e key');
      await form.getByLabel('Requests per minute').fill('50');
      await form.getByRole('button', { name: 'Create key' }).click();
      const box = dialog.getByRole('region', { name: 'New key secret' });
      await box.waitFor();
      assert.match(await box.innerText(), /will not see it again/);
      await page.screenshot({ path: `${shots}api-keys.png` });
      const secret = (await box.locator('[data-secret]').innerText()).trim();
      assert.match(secret, /^pk_/);
      const row = dialog.getByRole('listitem', { name: 'Key e2e key' });
      await row.waitFor();
      assert.ok(!(await dialog.getByRole('list', { name: 'Keys' }).innerText()).includes(secret), 'the list does not show the secret');
      assert.match(await row.innerText(), /50\/min/);

      const withKey = await fetch(`${server.url}/v1/models`, { headers: { Authorization: `Bearer ${secret}` } });
      assert.equal(withKey.status, 200, 'the new key works');
      const wrongKey = await fetch(`${server.url}/v1/models`, { headers: { Authorization: `Bearer ${secret}x` } });
      assert.equal(wrongKey.status, 401, 'a wrong key is refused');

      await box.getByRole('button', { name: 'I have copied it' }).click();
      await box.waitFor({ state: 'detached' });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await accountMenu(page).click();
      await page.getByRole('menuitem', { name: 'API keys' }).click();
      await dialog.getByRole('listitem', { name: 'Key e2e key' }).waitFor();
      assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
      const listed = await page.evaluate(async () => (await fetch('/api/keys')).text());
      assert.ok(listed.includes('e2e key') && !listed.includes(secret), 'GET /api/keys never returns the secret');
      await page.keyboard.press('Escape');

      // A deep link opened while signed out comes back after sign-in.
      const conv = await (await fetch(`${server.url}/api/conversations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'Deep link after sign-in' }),
      })).json();
      assert.ok(conv.id, 'a conversation created with the key');
      const fresh = await newPage(ctx.browser, server.url);
      try {
        await fresh.goto(`/c/${conv.id}`);
        await signInForm(fresh).waitFor();
        await signIn(fresh, ADMIN, PASSWORD);
        await sidebar(fresh).waitFor();
        assert.equal(new URL(fresh.url()).pathname, `/c/${conv.id}`);
        await fresh.getByText('Deep link after sign-in').first().waitFor();
      } finally {
        await fresh.context().close();
      }

      // Sign out: back to the sign-in screen, and the old cookie no longer works.
      await accountMenu(page).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await signInForm(page).waitFor();
      assert.equal(await sidebar(page).count(), 0);
      const afterSignOut = await page.evaluate(async () => (await fetch('/api/auth/session')).status);
      assert.equal(afterSignOut, 401);
      await page.reload();
      await signInForm(page).waitFor();
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('accounts mode: a share link opens in a fresh browser without cookies, names no owner, and stops when revoked', { timeout: 240_000 }, async () => {
    const server = await accountsServer();
    const page = await newPage(ctx.browser, server.url);
    const viewer = await newPage(ctx.browser, server.url);
    try {
      await page.goto('/');
      await signInForm(page).waitFor();
      await signIn(page, ADMIN, PASSWORD);
      await sidebar(page).waitFor();
      // Waits for the reply itself (not the preloaded greeting, also an assistant article) to be stored in full:
      // the share link shows what is stored when the viewer opens it.
      await sendAndWait(page, 'A question worth sharing: $a^2+b^2=c^2$');
      await lastAssistant(page).locator('.katex').first().waitFor();
      await page.getByRole('button', { name: 'Share conversation' }).click();
      const dialog = page.getByRole('dialog', { name: 'Share conversation' });
      await dialog.getByRole('button', { name: 'Create link' }).click();
      const url = await dialog.locator('#share-url').inputValue();
      assert.match(url, /\/s\/[A-Za-z0-9_-]{40,}$/);
      await dialog.getByRole('listitem').first().waitFor();

      assert.deepEqual(await viewer.context().cookies(server.url), [], 'the viewer has no cookies');
      await viewer.goto(url);
      await viewer.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await signInForm(viewer).count(), 0, 'no sign-in asked');
      await viewer.locator('article[data-role=user]', { hasText: 'A question worth sharing' }).waitFor();
      await viewer.locator('article[data-role=assistant] .katex').first().waitFor();
      assert.ok(!(await viewer.locator('body').innerText()).toLowerCase().includes(ADMIN), 'the owner is not named');
      assert.equal(await viewer.getByRole('navigation', { name: 'Conversations' }).count(), 0, 'nothing else of the owner');
      await viewer.screenshot({ path: `${shots}shared.png` });

      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await dialog.getByText('No links to this conversation yet.').waitFor();
      await viewer.reload();
      await viewer.getByRole('alert').filter({ hasText: /does not exist or was revoked/ }).waitFor();
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.context().close();
      await page.context().close();
    }
  });
}
