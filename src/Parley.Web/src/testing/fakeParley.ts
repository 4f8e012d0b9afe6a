// An in-memory Parley server behind a mocked fetch, speaking the identity contract
// (/api/auth, /api/keys, /api/admin/users) plus the few endpoints the shell loads on start.
import { vi } from 'vitest';
import type { ApiKey, CreatedKey } from '../api/keys';

interface Account {
  name: string;
  password: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface FakeCall {
  method: string;
  url: string;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  json(status, { type: `https://parley.dev/problems/${code}`, title: detail, status, detail, code, ...extra }, headers);
const empty = (status: number) => new Response(null, { status });

export class FakeParley {
  mode: 'single-user' | 'accounts' = 'accounts';
  folders: { id: string; name: string; createdAt: string }[] = [];
  /** The folders the next import adds, as a Parley export's folders would be. */
  importedFolders: { id: string; name: string; createdAt: string }[] = [];
  accounts: Account[] = [
    { name: 'admin', password: 'admin-password', isAdmin: true, createdAt: '2026-11-01T10:00:00Z' },
    { name: 'alice', password: 'alice-password', isAdmin: false, createdAt: '2026-11-02T10:00:00Z' },
  ];
  keys: ApiKey[] = [];
  /** The account the session cookie belongs to (null: no cookie). */
  signedIn: string | null = null;
  calls: FakeCall[] = [];
  /** Answers held back until released (to observe a pending request). */
  hold: Partial<Record<string, Promise<void>>> = {};
  private nextKey = 1;
  private failedLogins = 0;
  /** Failed sign-ins after which the login answers 429. */
  maxFailedLogins = 5;

  install() {
    vi.stubGlobal('fetch', vi.fn((input: string, init?: RequestInit) => this.handle(input, init)));
    return this;
  }

  /** Ends the session server-side, as an expiry or restart would. */
  expireSession() {
    this.signedIn = null;
  }

  addKey(owner: string, over: Partial<ApiKey> = {}): ApiKey {
    const id = `key_${this.nextKey++}`;
    const key: ApiKey = {
      id, name: `key ${id}`, owner, prefix: `pk_${id.slice(-1)}abc_`, models: [], requestsPerMinute: null, dailyTokenLimit: null,
      maxConcurrentStreams: null, expiresAt: null, createdAt: '2026-11-20T10:00:00Z', lastUsedAt: null, revokedAt: null, ...over,
    };
    this.keys.push(key);
    return key;
  }

  private user(): Account | null {
    if (this.mode === 'single-user') return { name: 'local', password: '', isAdmin: true, createdAt: '' };
    return this.accounts.find((a) => a.name === this.signedIn) ?? null;
  }

  private session(u: Account) {
    return { user: { name: u.name, isAdmin: u.isAdmin }, mode: this.mode, via: this.mode === 'single-user' ? 'local' : 'session' };
  }

  private async handle(url: string, init: RequestInit = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    this.calls.push({ method, url, body, credentials: init.credentials });
    const path = url.split('?')[0];
    const held = this.hold[`${method} ${path}`];
    if (held) await held;

    if (path === '/health') return json(200, { status: 'healthy' });
    if (method === 'POST' && path === '/api/auth/login') {
      if (this.failedLogins >= this.maxFailedLogins) {
        return problem(429, 'too_many_attempts', 'Too many failed sign-ins. Try again in 30 seconds.', {}, { 'Retry-After': '30' });
      }
      const a = this.accounts.find((x) => x.name === body.username && x.password === body.password);
      if (!a) {
        this.failedLogins++;
        return problem(401, 'invalid_credentials', 'The username or password is wrong.');
      }
      this.signedIn = a.name;
      return json(200, this.session(a));
    }

    const me = this.user();
    if (!me) return problem(401, 'unauthenticated', 'Sign in first.', { mode: 'accounts' });

    if (path === '/api/auth/session') return json(200, this.session(me));
    if (method === 'POST' && path === '/api/auth/logout') {
      this.signedIn = null;
      return empty(204);
    }
    if (method === 'POST' && path === '/api/auth/password') {
      if (body.currentPassword !== me.password) return problem(401, 'invalid_credentials', 'The current password is wrong.');
      if (String(body.newPassword).length < 8) return problem(400, 'weak_password', 'Passwords need at least 8 characters.');
      me.password = body.newPassword;
      return empty(204);
    }
    if (path === '/api/config') return json(200, { name: 'Parley' });
    if (path === '/v1/models') {
      return json(200, { data: [{ id: 'mock/echo', display_name: 'Echo', is_default: true, is_mock: true }, { id: 'mock/lorem', display_name: 'Lorem', is_mock: true }] });
    }
    if (path === '/api/conversations' && method === 'GET') return json(200, { items: [], nextCursor: null });
    if (path === '/api/folders' && method === 'GET') return json(200, this.folders);
    if (path === '/api/import' && method === 'POST') {
      this.folders.push(...this.importedFolders);
      return json(200, { format: 'parley', imported: 0, conversations: [],
        folders: this.importedFolders.map((f) => ({ id: f.id, sourceId: f.id, name: f.name, created: true })) });
    }
    if (path.startsWith('/api/conversations/')) return problem(404, 'conversation_not_found', 'No such conversation.');

    if (path === '/api/keys' && method === 'GET') {
      const all = url.includes('all=true') && me.isAdmin;
      return json(200, { items: this.keys.filter((k) => all || k.owner === me.name) });
    }
    if (path === '/api/keys' && method === 'POST') {
      const owner = me.isAdmin && body.owner ? body.owner : me.name;
      const key = this.addKey(owner, {
        name: body.name, models: body.models ?? [], requestsPerMinute: body.requestsPerMinute ?? null,
        dailyTokenLimit: body.dailyTokenLimit ?? null, maxConcurrentStreams: body.maxConcurrentStreams ?? null, expiresAt: body.expiresAt ?? null,
      });
      const created: CreatedKey = { ...key, key: `${key.prefix}-the-whole-secret-${key.id}` };
      return json(201, created);
    }
    const keyMatch = /^\/api\/keys\/([^/]+)$/.exec(path);
    if (keyMatch && method === 'DELETE') {
      const key = this.keys.find((k) => k.id === decodeURIComponent(keyMatch[1]) && (me.isAdmin || k.owner === me.name));
      if (!key) return problem(404, 'key_not_found', 'No such key.');
      key.revokedAt = '2026-11-21T10:00:00Z';
      return empty(204);
    }

    if (path.startsWith('/api/admin/')) {
      if (!me.isAdmin) return problem(403, 'forbidden', 'Only administrators can manage users.');
      if (path === '/api/admin/users' && method === 'GET') {
        return json(200, { items: this.accounts.map(({ name, isAdmin, createdAt }) => ({ name, isAdmin, createdAt })) });
      }
      if (path === '/api/admin/users' && method === 'POST') {
        if (String(body.password).length < 8) return problem(400, 'weak_password', 'Passwords need at least 8 characters.');
        this.accounts.push({ name: body.name, password: body.password, isAdmin: !!body.isAdmin, createdAt: '2026-11-21T10:00:00Z' });
        return json(201, { name: body.name, isAdmin: !!body.isAdmin, createdAt: '2026-11-21T10:00:00Z' });
      }
      const userMatch = /^\/api\/admin\/users\/([^/]+)$/.exec(path);
      if (userMatch && method === 'DELETE') {
        this.accounts = this.accounts.filter((a) => a.name !== decodeURIComponent(userMatch[1]));
        return empty(204);
      }
    }
    return problem(404, 'not_found', `No route ${method} ${path}.`);
  }

  callsTo(method: string, path: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && c.url.split('?')[0] === path);
  }
}
