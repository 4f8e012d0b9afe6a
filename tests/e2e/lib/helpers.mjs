// Small page helpers shared by the specs.
import assert from 'node:assert/strict';

export const composer = (page) => page.locator('#composer-input');
export const assistants = (page) => page.locator('article[data-role=assistant]:not([data-preloaded])');
export const users = (page) => page.locator('article[data-role=user]:not([data-preloaded])');
export const lastAssistant = (page) => assistants(page).last();

/** Opens the app and waits until config and models are loaded. */
export async function openApp(page, path = '/') {
  await page.goto(path);
  await page.locator('#model-picker option').first().waitFor({ state: 'attached' });
}

/** Types a message and presses Enter. */
export async function send(page, text) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Waits until no reply is streaming and the conversation has been reconciled with the server. */
export async function waitIdle(page, timeout = 20_000) {
  await page.waitForFunction(
    () => !document.querySelector('[data-status=streaming]') && !!document.querySelector('button[aria-label="Send message"]'),
    null,
    { timeout },
  );
  // The hook reloads the conversation after a stream; let that settle.
  await page.waitForLoadState('networkidle', { timeout }).catch(() => undefined);
}

/** Starts a new chat with the keyboard shortcut and waits for the empty screen. */
export async function newChat(page) {
  await page.keyboard.press('Control+Shift+O');
  await page.waitForURL((u) => u.pathname === '/');
  await page.locator('.empty, .preloaded').first().waitFor();
}

export async function sendAndWait(page, text) {
  const lastId = () => {
    const a = [...document.querySelectorAll('article[data-role=assistant]:not([data-preloaded])')].pop();
    return a ? a.getAttribute('data-message-id') : null;
  };
  const before = await page.evaluate(lastId);
  await send(page, text);
  await page.waitForFunction(
    (id) => {
      const a = [...document.querySelectorAll('article[data-role=assistant]:not([data-preloaded])')].pop();
      return !!a && a.getAttribute('data-message-id') !== id;
    },
    before,
    { timeout: 20_000 },
  );
  await waitIdle(page);
}

export function conversationIdOf(page) {
  const m = /\/c\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  assert.ok(m, `expected a /c/{id} URL, got ${page.url()}`);
  return decodeURIComponent(m[1]);
}

export async function apiJson(page, path, init) {
  const res = await page.request.fetch(path, init);
  assert.ok(res.ok(), `${path} answered ${res.status()}`);
  return res.status() === 204 ? null : res.json();
}

/** A tiny valid PNG (2x2, red). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/** Polls `check` until it returns true (bounded). */
export async function waitFor(check, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}
