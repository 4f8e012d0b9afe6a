// Math and diagrams, failed sends that stay once, drafts that survive a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiJson, composer, conversationIdOf, lastAssistant, newChat, openApp, send, sendAndWait, users, waitFor, waitIdle } from '../lib/helpers.mjs';

const shots = new URL('../../../docs/screenshots/', import.meta.url).pathname;

export default function webapp(ctx) {
  test('math renders as KaTeX (inline and display, both delimiters, backslashes kept) and ```mermaid as a diagram', { timeout: 90_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      const text = 'Euler: $e^{i\\pi} + 1 = 0$, a thin space \\(a\\,b\\), and\n\n$$\\int_0^1 x\\,dx = \\frac{1}{2}$$\n\n\\[\\sum_{i=1}^{n} i\\]\n\n```mermaid\ngraph TD; Start-->Finish\n```';
      await sendAndWait(page, text);
      const reply = lastAssistant(page);
      await reply.locator('.katex').first().waitFor();
      const tex = await reply.locator('.katex annotation').allInnerTexts().catch(() => []);
      const sources = await reply.locator('.katex annotation').evaluateAll((els) => els.map((e) => e.textContent));
      assert.deepEqual(sources, ['e^{i\\pi} + 1 = 0', 'a\\,b', '\\int_0^1 x\\,dx = \\frac{1}{2}', '\\sum_{i=1}^{n} i'], `TeX kept intact (${tex})`);
      assert.equal(await reply.locator('.katex-display').count(), 2);
      assert.equal(await reply.locator('math[display=block]').count(), 2);
      assert.ok(!(await reply.innerText()).includes('$e^'), 'no raw dollars left');
      const diagram = reply.locator('figure.mermaid-diagram img');
      await diagram.waitFor({ timeout: 30_000 });
      const size = await diagram.evaluate((img) => img.complete && img.naturalWidth > 0 ? img.naturalWidth : 0);
      assert.ok(size > 0, 'the diagram image loaded');
      assert.match(await diagram.getAttribute('alt'), /Diagram: graph TD/);
      await reply.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: `${shots}math.png` });
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('a send refused with 429 stays once with the server\'s sentence and Retry; Enter cannot send it twice', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'first message');
      const id = conversationIdOf(page);
      let refused = 0;
      const sentence = 'You have sent 20 requests in the last minute; the limit is 20. Try again in 12 seconds.';
      await page.route(`**/api/conversations/${id}/messages`, (route) => {
        if (route.request().method() !== 'POST' || refused++ > 0) return route.continue();
        return route.fulfill({ status: 429, contentType: 'application/problem+json', headers: { 'Retry-After': '12' },
          body: JSON.stringify({ type: 'about:blank', title: 'Too many requests', status: 429, detail: sentence, code: 'rate_limited' }) });
      });
      const typed = 'send me exactly once';
      await send(page, typed);
      const failure = page.getByTestId('failure');
      await failure.waitFor();
      assert.match(await failure.innerText(), /Try again in 12 seconds/);
      assert.equal(await composer(page).inputValue(), '', 'not back in the box');
      await composer(page).press('Enter');
      assert.equal(refused, 1, 'Enter in the empty box sends nothing');
      assert.equal(await page.getByText(typed, { exact: true }).count(), 1, 'the unsent text shows once');

      await failure.getByRole('button', { name: 'Retry' }).click();
      await users(page).filter({ hasText: typed }).first().waitFor();
      await waitIdle(page);
      await failure.waitFor({ state: 'detached' });
      assert.equal(await users(page).filter({ hasText: typed }).count(), 1);
      const stored = await apiJson(page, `/api/conversations/${id}`);
      assert.equal(stored.messages.filter((m) => m.role === 'user' && m.text === typed).length, 1, 'stored once');
    } finally {
      await page.context().close();
    }
  });

  test('after the first reply a model writes the title, which reaches this tab and another open tab as a rename', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    const other = await ctx.page();
    try {
      await openApp(other);
      await openApp(page);
      // Titles come from the reply's model; the markdown sample's answer starts with "## A markdown sample".
      await page.locator('#model-picker').selectOption('mock/markdown');
      await sendAndWait(page, 'hello, please title me');
      const id = conversationIdOf(page);
      for (const p of [page, other]) {
        await p.locator(`nav#sidebar li[data-conversation-id="${id}"]`, { hasText: 'A markdown sample' }).waitFor({ timeout: 15_000 });
      }
      await page.waitForFunction(() => document.title.startsWith('A markdown sample'), null, { timeout: 10_000 });
      await waitFor(async () => (await apiJson(page, '/api/usage?groupBy=surface')).groups.some((g) => g.key === 'titles' && g.requests >= 1),
        'the title call in usage under "titles"', 15_000);
      assert.deepEqual(page.errors, []);
    } finally {
      await other.context().close();
      await page.context().close();
    }
  });

  test('a draft is kept per conversation across a reload', { timeout: 60_000 }, async () => {
    const page = await ctx.page();
    try {
      await openApp(page);
      await sendAndWait(page, 'a conversation with a draft');
      const id = conversationIdOf(page);
      await composer(page).fill('half-written thought');
      await page.reload();
      await openApp(page, `/c/${id}`);
      assert.equal(await composer(page).inputValue(), 'half-written thought');
      await newChat(page);
      assert.equal(await composer(page).inputValue(), '', 'another conversation has its own (empty) draft');
      await composer(page).fill('draft for a new chat');
      await page.goto(`/c/${id}`);
      await users(page).first().waitFor();
      assert.equal(await composer(page).inputValue(), 'half-written thought');
      await send(page, 'sent now');
      await waitIdle(page);
      await page.reload();
      await users(page).first().waitFor();
      assert.equal(await composer(page).inputValue(), '', 'a sent draft is gone');
    } finally {
      await page.context().close();
    }
  });
}
