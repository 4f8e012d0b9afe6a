// Parley's end-to-end suite: Debian's Chromium against the real server with the mock provider.
// One process, one server (restarted by one spec), one browser; each spec gets fresh pages.
import { after, before, describe } from 'node:test';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { ParleyServer } from './lib/server.mjs';
import chat from './specs/chat.spec.mjs';
import branches from './specs/branches.spec.mjs';
import navigation from './specs/navigation.spec.mjs';
import content from './specs/content.spec.mjs';
import errors from './specs/errors.spec.mjs';
import layout from './specs/layout.spec.mjs';
import settings from './specs/settings.spec.mjs';
import tools from './specs/tools.spec.mjs';
import identity from './specs/identity.spec.mjs';
import security from './specs/security.spec.mjs';
import webapp from './specs/webapp.spec.mjs';
import a11y from './specs/a11y.spec.mjs';
import account from './specs/account.spec.mjs';
import resume from './specs/resume.spec.mjs';
import localModel from './specs/local-model.spec.mjs';
import organise from './specs/organise.spec.mjs';

const ctx = {
  server: null,
  browser: null,
  pages: [],
  async page(opts) {
    const p = await newPage(this.browser, this.server.url, opts);
    this.pages.push(p);
    return p;
  },
};

describe('Parley web app', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    ctx.server = new ParleyServer();
    await ctx.server.start();
    const index = await (await fetch(`${ctx.server.url}/`)).text();
    if (!index.includes('id="root"')) {
      throw new Error('The server does not serve the web app at / (is src/Parley.Web/Parley.Web.targets imported by src/Parley/Parley.csproj, and was the build run without -p:SkipWebBuild=true?)');
    }
    const b = await launchBrowser();
    ctx.browser = b.browser;
    ctx.closeBrowser = b.close;
  }, { timeout: 360_000 });

  after(async () => {
    await ctx.closeBrowser?.();
    await ctx.server?.stop();
    if (process.env.PARLEY_E2E_VERBOSE) console.log(`server log: ${ctx.server?.logPath}`);
  }, { timeout: 60_000 });

  for (const register of [layout, chat, branches, navigation, content, errors, settings, tools, identity, webapp, a11y, account, security, resume, localModel, organise]) register(ctx);
});
