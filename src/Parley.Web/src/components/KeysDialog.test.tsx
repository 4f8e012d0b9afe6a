import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelInfo } from '../api/models';
import { FakeParley } from '../testing/fakeParley';
import { AdminDialog } from './AdminDialog';
import { KeysDialog } from './KeysDialog';

const models: ModelInfo[] = [
  { id: 'mock/echo', label: 'Echo', isDefault: true, isMock: true, vision: true, provider: 'mock' },
  { id: 'mock/lorem', label: 'Lorem', isDefault: false, isMock: true, vision: true, provider: 'mock' },
];
const alice = { name: 'alice', isAdmin: false };
const admin = { name: 'admin', isAdmin: true };

// Whole-app renders are slow on a loaded build machine.
vi.setConfig({ testTimeout: 20_000 });

let server: FakeParley;
beforeEach(() => {
  server = new FakeParley().install();
});
afterEach(() => vi.unstubAllGlobals());

function open(user = alice, onClose = vi.fn()) {
  const view = render(<KeysDialog user={user} models={models} onClose={onClose} />);
  return { ...view, onClose, dialog: screen.getByRole('dialog', { name: 'API keys' }) };
}

async function createKey(dialog: HTMLElement, fill: (form: HTMLElement) => void) {
  fireEvent.click(within(dialog).getByRole('button', { name: 'New key' }));
  const form = within(dialog).getByRole('form', { name: 'New key' });
  fill(form);
  await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Create key' })));
}

describe('API keys dialog', () => {
  it('lists the caller\'s keys with prefix, models, limits, expiry, last use and revoked state', async () => {
    server.signedIn = 'alice';
    server.addKey('alice', { name: 'ci', prefix: 'pk_ci12', models: ['mock/echo'], requestsPerMinute: 30, dailyTokenLimit: 50000, lastUsedAt: '2026-11-20T12:00:00Z', expiresAt: '2099-01-31T12:00:00Z' });
    server.addKey('alice', { name: 'old', prefix: 'pk_old9', revokedAt: '2026-11-19T10:00:00Z' });
    server.addKey('bob', { name: 'bobs' });
    const { dialog } = open();
    const ci = await within(dialog).findByRole('listitem', { name: 'Key ci' });
    expect(ci.textContent).toContain('pk_ci12…');
    expect(ci.textContent).toContain('mock/echo');
    expect(ci.textContent).toContain('30/min · 50,000 tokens/day');
    expect(ci.textContent).toContain('2099');
    const old = within(dialog).getByRole('listitem', { name: 'Key old' });
    expect(within(old).getByText('revoked')).toBeTruthy();
    expect(within(old).queryByRole('button', { name: 'Revoke' })).toBeNull();
    expect(within(dialog).queryByRole('listitem', { name: 'Key bobs' })).toBeNull();
    expect(server.callsTo('GET', '/api/keys')[0].url).toBe('/api/keys');
  });

  it('creating a key shows the secret once with a copy button; the list never contains it', async () => {
    server.signedIn = 'alice';
    const { dialog } = open();
    await within(dialog).findByText('No keys yet.');
    await createKey(dialog, (form) => {
      fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'notebook' } });
      fireEvent.click(within(form).getByRole('checkbox', { name: 'Lorem' }));
      fireEvent.change(within(form).getByLabelText(/^Other model ids/), { target: { value: 'openai/gpt-4o' } });
      fireEvent.change(within(form).getByLabelText('Requests per minute'), { target: { value: '12' } });
      fireEvent.change(within(form).getByLabelText(/^Expires/), { target: { value: '2099-12-31' } });
    });
    const post = server.callsTo('POST', '/api/keys')[0].body as Record<string, unknown>;
    expect(post).toMatchObject({ name: 'notebook', models: ['mock/lorem', 'openai/gpt-4o'], requestsPerMinute: 12 });
    expect(post).not.toHaveProperty('owner');
    expect(post).not.toHaveProperty('dailyTokenLimit');
    expect(new Date(post.expiresAt as string).getFullYear()).toBe(2099);

    const created = server.keys[0];
    const secret = `${created.prefix}-the-whole-secret-${created.id}`;
    const box = within(dialog).getByRole('region', { name: 'New key secret' });
    expect(box.textContent).toContain(secret);
    expect(box.textContent).toMatch(/you will not see it again/);
    expect(within(box).getByRole('button', { name: 'Copy key' })).toBeTruthy();

    const list = within(dialog).getByRole('list', { name: 'Keys' });
    expect(within(list).getByRole('listitem', { name: 'Key notebook' }).textContent).toContain(`${created.prefix}…`);
    expect(list.textContent).not.toContain(secret);

    fireEvent.click(within(box).getByRole('button', { name: 'I have copied it' }));
    expect(document.body.textContent).not.toContain(secret);
  });

  it('the secret is gone after the dialog is closed and opened again', async () => {
    server.signedIn = 'alice';
    const first = open();
    await within(first.dialog).findByText('No keys yet.');
    await createKey(first.dialog, (form) => fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'once' } }));
    const secret = `${server.keys[0].prefix}-the-whole-secret-${server.keys[0].id}`;
    expect(document.body.textContent).toContain(secret);
    first.unmount();
    const again = open();
    await within(again.dialog).findByRole('listitem', { name: 'Key once' });
    expect(document.body.textContent).not.toContain(secret);
  });

  it('bad limits are explained and nothing is sent', async () => {
    server.signedIn = 'alice';
    const { dialog } = open();
    await createKey(dialog, (form) => {
      fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'x' } });
      fireEvent.change(within(form).getByLabelText('Tokens per day'), { target: { value: '1.5' } });
    });
    expect(within(dialog).getByRole('alert').textContent).toMatch(/Tokens per day must be a whole number/);
    expect(server.callsTo('POST', '/api/keys')).toHaveLength(0);
  });

  it('revoking asks first, then revokes and shows the key as revoked', async () => {
    server.signedIn = 'alice';
    server.addKey('alice', { name: 'laptop' });
    const { dialog } = open();
    const row = await within(dialog).findByRole('listitem', { name: 'Key laptop' });
    fireEvent.click(within(row).getByRole('button', { name: 'Revoke' }));
    expect(server.callsTo('DELETE', '/api/keys/key_1')).toHaveLength(0);
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(row).getByRole('button', { name: 'Revoke' }));
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: 'Revoke “laptop”?' })));
    expect(server.callsTo('DELETE', '/api/keys/key_1')).toHaveLength(1);
    await waitFor(() => expect(within(dialog).getByRole('listitem', { name: 'Key laptop' }).textContent).toContain('revoked'));
  });

  it('hides the admin-only controls from a non-admin', async () => {
    server.signedIn = 'alice';
    const { dialog } = open();
    await within(dialog).findByText('No keys yet.');
    expect(within(dialog).queryByRole('checkbox', { name: /every user's keys/ })).toBeNull();
    expect(within(dialog).queryByRole('heading', { name: 'Users' })).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'New key' }));
    expect(within(dialog).queryByLabelText(/^Owner/)).toBeNull();
    expect(server.calls.some((c) => c.url.startsWith('/api/admin'))).toBe(false);
    expect(server.calls.some((c) => c.url.includes('all=true'))).toBe(false);
  });

  it('an admin creates a key for another owner from their own keys dialog, which lists only their keys', async () => {
    server.signedIn = 'admin';
    server.addKey('alice', { name: 'alices' });
    const { dialog } = open(admin);
    await within(dialog).findByText('No keys yet.');
    expect(within(dialog).queryByRole('listitem', { name: 'Key alices' })).toBeNull();
    expect(within(dialog).queryByRole('region', { name: 'Users' })).toBeNull();
    await createKey(dialog, (form) => {
      fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'for bob' } });
      fireEvent.change(within(form).getByLabelText(/^Owner/), { target: { value: 'bob' } });
    });
    expect(server.callsTo('POST', '/api/keys')[0].body).toMatchObject({ name: 'for bob', owner: 'bob' });
  });

  it('Administration: every user\'s keys, and users added and deleted', async () => {
    server.signedIn = 'admin';
    server.addKey('alice', { name: 'alices' });
    render(<AdminDialog user={admin} models={models} onClose={vi.fn()} />);
    const dialog = screen.getByRole('dialog', { name: 'Administration' });
    const users = await within(dialog).findByRole('region', { name: 'Users' });
    await within(users).findByRole('listitem', { name: 'User alice' });
    const add = within(users).getByRole('form', { name: 'Add user' });
    fireEvent.change(within(add).getByLabelText('Username'), { target: { value: 'carol' } });
    fireEvent.change(within(add).getByLabelText('Password'), { target: { value: 'carol-password' } });
    fireEvent.click(within(add).getByRole('checkbox', { name: 'Administrator' }));
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add user' })));
    expect(server.callsTo('POST', '/api/admin/users')[0].body).toEqual({ name: 'carol', password: 'carol-password', isAdmin: true });
    const carol = await within(users).findByRole('listitem', { name: 'User carol' });
    expect(within(carol).getByText('admin')).toBeTruthy();

    fireEvent.click(within(carol).getByRole('button', { name: 'Delete' }));
    await act(async () => fireEvent.click(within(carol).getByRole('button', { name: 'Delete “carol”?' })));
    await waitFor(() => expect(within(users).queryByRole('listitem', { name: 'User carol' })).toBeNull());
    expect(server.accounts.map((a) => a.name)).toEqual(['admin', 'alice']);
    expect(within(within(users).getByRole('listitem', { name: 'User admin' })).queryByRole('button', { name: 'Delete' })).toBeNull();

    fireEvent.click(within(dialog).getByRole('tab', { name: 'API keys' }));
    const row = await within(dialog).findByRole('listitem', { name: 'Key alices' });
    expect(row.textContent).toContain('owner: alice');
    expect(server.calls.some((c) => c.url === '/api/keys?all=true')).toBe(true);
  });

  it('a server refusal when adding a user is shown', async () => {
    server.signedIn = 'admin';
    render(<AdminDialog user={admin} models={models} onClose={vi.fn()} />);
    const users = await screen.findByRole('region', { name: 'Users' });
    const add = within(users).getByRole('form', { name: 'Add user' });
    fireEvent.change(within(add).getByLabelText('Username'), { target: { value: 'dave' } });
    fireEvent.change(within(add).getByLabelText('Password'), { target: { value: 'short' } });
    await act(async () => fireEvent.click(within(add).getByRole('button', { name: 'Add user' })));
    expect(within(users).getByRole('alert').textContent).toMatch(/at least 8 characters/);
    expect(server.callsTo('POST', '/api/admin/users')).toHaveLength(0);
  });

  it('Escape closes; Tab stays inside; focus returns to the opener', async () => {
    server.signedIn = 'alice';
    const opener = document.createElement('button');
    document.body.appendChild(opener);
    opener.focus();
    const { dialog, onClose, unmount } = open();
    await within(dialog).findByText('No keys yet.');
    expect(dialog.contains(document.activeElement)).toBe(true);
    const buttons = within(dialog).getAllByRole('button');
    buttons[buttons.length - 1].focus();
    fireEvent.keyDown(document.activeElement!, { key: 'Tab' });
    expect(document.activeElement).toBe(buttons[0]);
    fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(buttons[buttons.length - 1]);
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
    unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
