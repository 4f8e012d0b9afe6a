// Change the signed-in user's password (accounts mode).
import { useState, type FormEvent } from 'react';
import { changePassword } from '../api/auth';
import { Dialog } from './Dialog';

export const MIN_PASSWORD = 8;

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next.length < MIN_PASSWORD) return setError(`The new password needs at least ${MIN_PASSWORD} characters.`);
    if (next !== repeat) return setError('The two new passwords differ.');
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      setDone(true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Change password" onClose={onClose}>
      {done ? (
        <>
          <p role="status">Your password was changed.</p>
          <div className="panel-actions"><button type="button" className="btn primary" onClick={onClose}>Done</button></div>
        </>
      ) : (
        <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
          <label htmlFor="pw-current">Current password</label>
          <input id="pw-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
          <label htmlFor="pw-new">New password <span className="muted">at least {MIN_PASSWORD} characters</span></label>
          <input id="pw-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
          <label htmlFor="pw-repeat">Repeat the new password</label>
          <input id="pw-repeat" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          {error && <div className="failure" role="alert"><span>{error}</span></div>}
          <div className="panel-actions">
            <button type="button" className="btn" onClick={onClose}>Cancel</button>
            <button type="submit" className="btn primary" disabled={busy}>{busy ? 'Saving…' : 'Change password'}</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
