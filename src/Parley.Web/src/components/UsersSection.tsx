// Administrators: local accounts (list, add with a password, delete with a confirmation).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { createUser, deleteUser, listUsers, type UserAccount } from '../api/users';
import { shortDate } from '../lib/keys';
import { MIN_PASSWORD } from './ChangePasswordDialog';

export function UsersSection({ self }: { self: string }) {
  const [users, setUsers] = useState<UserAccount[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setUsers(await listUsers(signal));
      setError(null);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setFormError('Give the user a name.');
    if (password.length < MIN_PASSWORD) return setFormError(`The password needs at least ${MIN_PASSWORD} characters.`);
    setBusy(true);
    setFormError(null);
    try {
      await createUser(name.trim(), password, admin);
      setName('');
      setPassword('');
      setAdmin(false);
      await load();
    } catch (err) {
      setFormError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (user: string) => {
    try {
      await deleteUser(user);
      setConfirming(null);
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section className="users" aria-labelledby="users-title">
      <h3 id="users-title">Users</h3>
      {error && <div className="failure" role="alert"><span>{error}</span></div>}
      {users === null && !error && <p className="muted" aria-busy="true">Loading users…</p>}
      {!!users?.length && (
        <ul className="user-list" aria-label="Users">
          {users.map((u) => (
            <li key={u.name} aria-label={`User ${u.name}`}>
              <span className="key-name">{u.name}</span>
              {u.isAdmin && <span className="badge">admin</span>}
              <span className="muted small">since {shortDate(u.createdAt)}</span>
              <span className="spacer" />
              {u.name === self ? (
                <span className="muted small">you</span>
              ) : confirming === u.name ? (
                <>
                  <button type="button" className="btn sm danger" autoFocus onClick={() => void remove(u.name)}>Delete “{u.name}”?</button>
                  <button type="button" className="btn sm ghost" onClick={() => setConfirming(null)}>Cancel</button>
                </>
              ) : (
                <button type="button" className="btn sm" onClick={() => setConfirming(u.name)}>Delete</button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="user-form" aria-label="Add user" onSubmit={(e) => void add(e)} noValidate>
        <div className="field">
          <label htmlFor="new-user-name">Username</label>
          <input id="new-user-name" autoComplete="off" autoCapitalize="none" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="new-user-password">Password</label>
          <input id="new-user-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <label className="inline-check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Administrator
        </label>
        <button type="submit" className="btn sm primary" disabled={busy}>{busy ? 'Adding…' : 'Add user'}</button>
      </form>
      {formError && <div className="failure" role="alert"><span>{formError}</span></div>}
    </section>
  );
}
