import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, onUnauthenticated, send } from './http';

const problem = (status: number, code: string, detail: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title: detail, status, detail, code }), { status, headers: { 'Content-Type': 'application/problem+json' } });

afterEach(() => vi.unstubAllGlobals());

describe('send', () => {
  it('sends same-origin credentials and JSON', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response('{}'));
    vi.stubGlobal('fetch', fetch);
    await send('/api/x', { method: 'POST', body: '{}' });
    const init = fetch.mock.calls[0][1]!;
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json');
  });

  it('a 401 unauthenticated tells every listener and throws the server detail', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(401, 'unauthenticated', 'Your session expired.')));
    const seen: string[] = [];
    const stop = onUnauthenticated((e) => seen.push(e.code));
    await expect(send('/api/conversations')).rejects.toMatchObject({ status: 401, code: 'unauthenticated', message: 'Your session expired.' });
    stop();
    await expect(send('/api/conversations')).rejects.toBeInstanceOf(ApiError);
    expect(seen).toEqual(['unauthenticated']);
  });

  it('a 401 invalid_credentials (a wrong password in a form) is not a lost session', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(401, 'invalid_credentials', 'Wrong password.')));
    const listener = vi.fn();
    const stop = onUnauthenticated(listener);
    await expect(send('/api/auth/login', { method: 'POST' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    stop();
    expect(listener).not.toHaveBeenCalled();
  });

  it('a 403 forbidden is an error, not a sign-out', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => problem(403, 'forbidden', 'Administrators only.')));
    const listener = vi.fn();
    const stop = onUnauthenticated(listener);
    await expect(send('/api/admin/users')).rejects.toMatchObject({ status: 403, message: 'Administrators only.' });
    stop();
    expect(listener).not.toHaveBeenCalled();
  });
});
