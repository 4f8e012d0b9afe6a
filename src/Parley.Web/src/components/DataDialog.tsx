// Your data: your own retention period and "Delete all my data" with a typed confirmation.
import { useEffect, useState, type FormEvent } from 'react';
import { DELETE_CONFIRMATION, deleteAllData, getRetention, setRetention, type DeletedData, type Retention } from '../api/data';
import { Dialog } from './Dialog';

export function DataDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Your data" onClose={onClose}>
      <RetentionSection />
      <DeleteAllSection />
    </Dialog>
  );
}

function describe(r: Retention): string {
  if (r.effectiveDays == null) return 'Your conversations are kept until you delete them.';
  const server = r.deploymentDays == null ? '' : ` This server deletes everyone's after ${r.deploymentDays} days.`;
  return `Conversations are deleted ${r.effectiveDays} days after their last message.${server}`;
}

export function RetentionSection() {
  const [retention, setState] = useState<Retention | null>(null);
  const [days, setDays] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    getRetention(ctl.signal)
      .then((r) => {
        setState(r);
        setDays(r.days == null ? '' : String(r.days));
      })
      .catch((e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ctl.abort();
  }, []);

  const save = async (value: number | null) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const r = await setRetention(value);
      setState(r);
      setDays(r.days == null ? '' : String(r.days));
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = days.trim();
    if (text === '') return void save(null);
    const n = Number(text);
    const max = retention?.deploymentDays ?? 36500;
    if (!Number.isInteger(n) || n < 1 || n > max) return setError(`Enter whole days from 1 to ${max}, or leave it empty.`);
    void save(n);
  };

  return (
    <section aria-labelledby="retention-title">
      <h3 id="retention-title">Retention</h3>
      {retention && <p className="muted small" aria-live="polite">{describe(retention)}</p>}
      <form className="user-form" aria-label="Retention" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="retention-days">Delete my conversations after (days)</label>
          <input id="retention-days" inputMode="numeric" placeholder={retention?.deploymentDays ? String(retention.deploymentDays) : 'keep'}
            value={days} onChange={(e) => { setDays(e.target.value); setSaved(false); }} />
        </div>
        <button type="submit" className="btn sm primary" disabled={busy || retention === null}>Save</button>
        {retention?.days != null && (
          <button type="button" className="btn sm" disabled={busy} onClick={() => void save(null)}>Clear</button>
        )}
      </form>
      {saved && <p className="muted small" role="status">Saved.</p>}
      {error && <div className="failure" role="alert"><span>{error}</span></div>}
    </section>
  );
}

export function DeleteAllSection() {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<DeletedData | null>(null);
  const ready = typed.trim().toLowerCase() === DELETE_CONFIRMATION;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await deleteAllData(typed.trim()));
      setTyped('');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="delete-all-title">
      <h3 id="delete-all-title">Delete all my data</h3>
      <p className="muted small">
        Deletes all your conversations (with their images and files), usage records, API keys and sign-in sessions. It cannot be
        undone. Your account itself stays; ask an administrator to remove it.
      </p>
      {result ? (
        <p role="status">
          Deleted {result.conversations} conversations, {result.messages} messages, {result.images} images,{' '}
          {result.usageRecords} usage records and {result.apiKeys} API keys.
        </p>
      ) : (
        <form className="user-form" aria-label="Delete all my data" onSubmit={(e) => void submit(e)} noValidate>
          <div className="field">
            <label htmlFor="delete-confirm">Type “{DELETE_CONFIRMATION}” to confirm</label>
            <input id="delete-confirm" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
          </div>
          <button type="submit" className="btn sm danger" disabled={!ready || busy}>{busy ? 'Deleting…' : 'Delete everything'}</button>
        </form>
      )}
      {error && <div className="failure" role="alert"><span>{error}</span></div>}
    </section>
  );
}
