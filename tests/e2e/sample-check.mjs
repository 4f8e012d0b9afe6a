// Drives the library sample (samples/HelloHandler, built against the packed package) in Debian's
// Chromium: the preloaded message shows, a message is answered by the handler, and its tool card renders.
// Usage: node sample-check.mjs http://127.0.0.1:PORT   (exits non-zero on failure)
import { launchBrowser, newPage } from './lib/browser.mjs';
import { openApp, sendAndWait, lastAssistant } from './lib/helpers.mjs';

const base = process.argv[2];
const { browser, close } = await launchBrowser();
try {
  const page = await newPage(browser, base);
  await openApp(page);
  await page.getByText('I repeat what you say, louder.').waitFor({ timeout: 10_000 });
  await sendAndWait(page, 'hello from the browser');
  const reply = await lastAssistant(page).innerText();
  if (!reply.includes('HELLO FROM THE BROWSER')) throw new Error(`unexpected reply: ${reply}`);
  if (!reply.includes('Counting')) throw new Error(`the count_words tool card with its header is missing: ${reply}`);
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
  console.log('sample-check: the handler answered in the browser');
} finally {
  await close();
}
