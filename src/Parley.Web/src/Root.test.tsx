import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Root } from './Root';
import { FakeParley } from './testing/fakeParley';

// Whole-app renders are slow on a loaded build machine.
vi.setConfig({ testTimeout: 20_000 });

let server: FakeParley;

beforeEach(() => {
  window.history.replaceState(null, '', '/');
  server = new FakeParley().install();
});
afterEach(() => vi.unstubAllGlobals());

const signInForm = () => screen.findByRole('form', { name: /Sign in to/ });
const userMenu = () => screen.findByRole('button', { name: /^Account menu for/ });

async function signIn(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in' })));
}

describe('session bootstrapping', () => {
  it('single-user mode shows the app straight away, a single-user note and no sign-out', async () => {
    server.mode = 'single-user';
    render(<Root />);
    await screen.findByRole('navigation', { name: 'Conversations' });
    expect(screen.queryByRole('form', { name: /Sign in/ })).toBeNull();
    const toggle = await userMenu();
    expect(toggle.textContent).toContain('local');
    expect(toggle.textContent).toContain('single-user');
    fireEvent.click(toggle);
    const menu = screen.getByRole('menu', { name: 'Account' });
    expect(within(menu).getByRole('menuitem', { name: 'API keys' })).toBeTruthy();
    expect(within(menu).queryByRole('menuitem', { name: 'Sign out' })).toBeNull();
    expect(within(menu).queryByRole('menuitem', { name: 'Change password' })).toBeNull();
    expect(menu.textContent).toMatch(/Single-user mode/);
    expect(server.callsTo('GET', '/api/auth/session')).toHaveLength(1);
  });

  it('accounts mode without a session shows only the sign-in screen, with labelled fields', async () => {
    render(<Root />);
    await signInForm();
    expect(screen.getByLabelText('Username').getAttribute('autocomplete')).toBe('username');
    expect(screen.getByLabelText('Password').getAttribute('type')).toBe('password');
    expect(screen.queryByRole('navigation', { name: 'Conversations' })).toBeNull();
    expect(server.callsTo('GET', '/api/conversations')).toHaveLength(0);
  });

  it('a server that cannot be reached offers a retry instead of a blank page', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline'); }));
    render(<Root />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Can't reach the Parley server/);
    server.install();
    server.mode = 'single-user';
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByRole('navigation', { name: 'Conversations' });
  });

  it('every request goes with same-origin credentials (the session cookie)', async () => {
    server.mode = 'single-user';
    render(<Root />);
    await screen.findByRole('navigation', { name: 'Conversations' });
    await waitFor(() => expect(server.callsTo('GET', '/api/conversations').length).toBeGreaterThan(0));
    const api = server.calls.filter((c) => c.url !== '/health');
    expect(api.length).toBeGreaterThan(2);
    expect(api.every((c) => c.credentials === 'same-origin')).toBe(true);
  });
});

describe('sign-in', () => {
  it('a wrong password shows the server detail, clears the password and stays on the form', async () => {
    render(<Root />);
    await signInForm();
    await signIn('alice', 'nope-nope');
    expect((await screen.findByRole('alert')).textContent).toBe('The username or password is wrong.');
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByRole('navigation', { name: 'Conversations' })).toBeNull();
    expect(server.callsTo('POST', '/api/auth/login')[0].body).toEqual({ username: 'alice', password: 'nope-nope' });
  });

  it('after repeated failures the 429 detail is shown', async () => {
    server.maxFailedLogins = 2;
    render(<Root />);
    await signInForm();
    await signIn('alice', 'wrong-1');
    await signIn('alice', 'wrong-2');
    await signIn('alice', 'alice-password');
    expect(screen.getByRole('alert').textContent).toBe('Too many failed sign-ins. Try again in 30 seconds.');
    expect(screen.queryByRole('navigation', { name: 'Conversations' })).toBeNull();
  });

  it('empty fields are refused without a request', async () => {
    render(<Root />);
    await signInForm();
    await act(async () => fireEvent.submit(screen.getByRole('form', { name: /Sign in/ })));
    expect(screen.getByRole('alert').textContent).toMatch(/Enter your username and password/);
    expect(server.callsTo('POST', '/api/auth/login')).toHaveLength(0);
  });

  it('the button is disabled while signing in; success loads the app with the user menu', async () => {
    let release!: () => void;
    server.hold['POST /api/auth/login'] = new Promise<void>((r) => (release = r));
    render(<Root />);
    await signInForm();
    await signIn('alice', 'alice-password');
    const busy = screen.getByRole('button', { name: 'Signing in…' }) as HTMLButtonElement;
    expect(busy.disabled).toBe(true);
    await act(async () => fireEvent.submit(screen.getByRole('form', { name: /Sign in/ })));
    expect(server.callsTo('POST', '/api/auth/login')).toHaveLength(1);
    await act(async () => release());
    await screen.findByRole('navigation', { name: 'Conversations' });
    const toggle = await userMenu();
    expect(toggle.textContent).toContain('alice');
    expect(toggle.textContent).not.toContain('admin');
    fireEvent.click(toggle);
    expect(screen.getByRole('menuitem', { name: 'Change password' })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('menuitem', { name: 'Sign out' })));
    await signInForm();
    expect(server.callsTo('POST', '/api/auth/logout')).toHaveLength(1);
    expect(server.signedIn).toBeNull();
  });

  it('an admin gets the admin badge', async () => {
    render(<Root />);
    await signInForm();
    await signIn('admin', 'admin-password');
    const toggle = await userMenu();
    expect(within(toggle).getByText('admin', { selector: '.badge' })).toBeTruthy();
  });
});

describe('a session lost mid-way', () => {
  it('a 401 from any call shows the sign-in screen and keeps the conversation URL; signing in returns to it', async () => {
    server.signedIn = 'alice';
    window.history.replaceState(null, '', '/c/conv-42');
    render(<Root />);
    await screen.findByRole('navigation', { name: 'Conversations' });
    await waitFor(() => expect(server.callsTo('GET', '/api/conversations/conv-42/messages')).toHaveLength(1));

    server.expireSession();
    // Any later call (here the sidebar's search) meets the 401.
    await act(async () => fireEvent.change(screen.getByLabelText('Search conversations'), { target: { value: 'x' } }));
    await signInForm();
    expect(screen.getByRole('status').textContent).toMatch(/session has ended/);
    expect(window.location.pathname).toBe('/c/conv-42');

    await signIn('alice', 'alice-password');
    await screen.findByRole('navigation', { name: 'Conversations' });
    await waitFor(() => expect(server.callsTo('GET', '/api/conversations/conv-42/messages')).toHaveLength(2));
    expect(window.location.pathname).toBe('/c/conv-42');
  });

  it('a wrong current password (401 invalid_credentials) is shown in the dialog and does not sign the user out', async () => {
    server.signedIn = 'alice';
    render(<Root />);
    fireEvent.click(await userMenu());
    fireEvent.click(screen.getByRole('menuitem', { name: 'Change password' }));
    const dialog = screen.getByRole('dialog', { name: 'Change password' });
    fireEvent.change(within(dialog).getByLabelText('Current password'), { target: { value: 'wrong-one' } });
    fireEvent.change(within(dialog).getByLabelText(/^New password/), { target: { value: 'brand-new-pass' } });
    fireEvent.change(within(dialog).getByLabelText('Repeat the new password'), { target: { value: 'brand-new-pass' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Change password' })));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The current password is wrong.');
    expect(screen.queryByRole('form', { name: /Sign in/ })).toBeNull();

    fireEvent.change(within(dialog).getByLabelText('Current password'), { target: { value: 'alice-password' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Change password' })));
    expect((await within(dialog).findByRole('status')).textContent).toMatch(/password was changed/);
    expect(server.callsTo('POST', '/api/auth/password').at(-1)?.body).toEqual({ currentPassword: 'alice-password', newPassword: 'brand-new-pass' });
    expect(server.accounts.find((a) => a.name === 'alice')?.password).toBe('brand-new-pass');
  });

  it('a too-short new password is refused before any request', async () => {
    server.signedIn = 'alice';
    render(<Root />);
    fireEvent.click(await userMenu());
    fireEvent.click(screen.getByRole('menuitem', { name: 'Change password' }));
    const dialog = screen.getByRole('dialog', { name: 'Change password' });
    fireEvent.change(within(dialog).getByLabelText(/^New password/), { target: { value: 'short' } });
    await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Change password' })));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/at least 8 characters/);
    expect(server.callsTo('POST', '/api/auth/password')).toHaveLength(0);
  });
});

describe('import', () => {
  it('folders that an import adds show in the sidebar straight away', async () => {
    server.mode = 'single-user';
    server.importedFolders = [{ id: 'f_trips', name: 'Trips', createdAt: '2026-11-21T10:00:00Z' }];
    render(<Root />);
    const nav = await screen.findByRole('navigation', { name: 'Conversations' });
    await waitFor(() => expect(server.callsTo('GET', '/api/folders')).toHaveLength(1));
    expect(within(nav).queryByText('Trips')).toBeNull();

    const file = new File(['{"format":"parley.export","version":1,"conversations":[]}'], 'parley-export.json', { type: 'application/json' });
    await act(async () => fireEvent.change(screen.getByLabelText('Import file'), { target: { files: [file] } }));

    expect(await within(nav).findByText('Trips')).toBeTruthy();
  });
});
