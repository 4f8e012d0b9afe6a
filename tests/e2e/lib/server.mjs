// Starts, stops and restarts the real Parley server for the e2e suite.
// PARLEY_SERVER_DLL=path → `dotnet path`; otherwise `dotnet run --project src/Parley.Server`.
// PARLEY_SERVER_CMD overrides both (a shell command; used only for local development).
import { spawn } from 'node:child_process';
import { mkdtempSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('../../..', import.meta.url).pathname);

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function waitForHealth(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with code ${proc.exitCode} before it was healthy`);
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (r.status < 500 || r.status === 503) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not healthy at ${url} within ${timeoutMs} ms`);
}

export class ParleyServer {
  /**
   * @param {{ env?: Record<string, string>, ownDataDir?: boolean, noBuild?: boolean }} [opts]
   *   env: extra environment (e.g. accounts mode); ownDataDir: never share PARLEY_E2E_DATA_DIR;
   *   noBuild: reuse the build of a server already started (a second server beside the first).
   */
  constructor(opts = {}) {
    this.extraEnv = opts.env ?? {};
    this.noBuild = !!opts.noBuild;
    this.dataDir = (!opts.ownDataDir && process.env.PARLEY_E2E_DATA_DIR) || mkdtempSync(join(tmpdir(), 'parley-e2e-data-'));
    this.logPath = join(this.dataDir, 'server.log');
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    this.proc = null;
    this.port = 0;
    this.starts = 0;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  command() {
    if (process.env.PARLEY_SERVER_CMD) return ['bash', ['-c', `exec ${process.env.PARLEY_SERVER_CMD}`]];
    if (process.env.PARLEY_SERVER_DLL) return ['dotnet', [process.env.PARLEY_SERVER_DLL]];
    const args = ['run', '--project', join(repo, 'src/Parley.Server'), '--no-launch-profile'];
    // The first start builds; a restart reuses that build.
    if (this.starts > 0 || this.noBuild || process.env.PARLEY_E2E_NO_BUILD) args.push('--no-build');
    if (process.env.PARLEY_E2E_SKIP_WEB_BUILD) args.push('-p:SkipWebBuild=true');
    return ['dotnet', args];
  }

  async start() {
    if (!this.port) this.port = await freePort();
    const [cmd, args] = this.command();
    this.log.write(`\n--- start #${this.starts + 1}: ${cmd} ${args.join(' ')} (port ${this.port})\n`);
    this.proc = spawn(cmd, args, {
      cwd: repo,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        ASPNETCORE_URLS: `http://127.0.0.1:${this.port}`,
        PARLEY_DATA_DIR: this.dataDir,
        Mock__FirstTokenDelayMs: '0',
        Mock__TokensPerSecond: '200',
        // Seed 003's preloaded messages, shown in every new chat (specs/settings.spec.mjs).
        Parley__PreloadedMessages__0__Role: 'assistant',
        Parley__PreloadedMessages__0__Content: 'Hi! I am **Parley**. Ask me anything.',
        DOTNET_NOLOGO: '1',
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.proc.stdout.pipe(this.log, { end: false });
    this.proc.stderr.pipe(this.log, { end: false });
    const timeout = this.starts === 0 && !this.noBuild && !process.env.PARLEY_SERVER_DLL ? 300_000 : 60_000;
    this.starts++;
    await waitForHealth(this.url, this.proc, timeout);
  }

  async stop() {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    try {
      process.kill(-p.pid, 'SIGTERM');
    } catch {
      p.kill('SIGTERM');
    }
    const t = setTimeout(() => {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10_000);
    await exited;
    clearTimeout(t);
    this.proc = null;
  }

  async restart() {
    await this.stop();
    await this.start();
  }
}
