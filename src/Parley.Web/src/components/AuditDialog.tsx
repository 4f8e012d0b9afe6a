// Administrators: the audit trail, newest first, with filters and "Load more".
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { listAudit, type AuditEvent, type AuditFilters } from '../api/data';
import { Dialog } from './Dialog';

const ACTIONS = ['', 'auth', 'auth.sign_in', 'auth.key_refused', 'auth.password_changed', 'key', 'user', 'data', 'retention'];

export function AuditDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Audit log" onClose={onClose} wide>
      <AuditLogView />
    </Dialog>
  );
}

export function AuditLogView() {
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const [rows, setRows] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (f: AuditFilters, after: string | null, signal?: AbortSignal) => {
    setBusy(true);
    try {
      const page = await listAudit(f, after, signal);
      setRows((old) => (after && old ? [...old, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    const ctl = new AbortController();
    void load(filters, null, ctl.signal);
    return () => ctl.abort();
  }, [filters, load]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ ...draft });
  };
  const set = (key: keyof AuditFilters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));

  return (
    <section aria-label="Audit log">
      <form className="audit-filters" aria-label="Audit filters" onSubmit={apply}>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" value={draft.action ?? ''} onChange={set('action')}>
            {ACTIONS.map((a) => <option key={a} value={a}>{a || 'any'}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" autoCapitalize="none" spellCheck={false} value={draft.actor ?? ''} onChange={set('actor')} />
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="date" value={draft.from ?? ''} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" type="date" value={draft.to ?? ''} onChange={set('to')} />
        </div>
        <button type="submit" className="btn sm primary">Filter</button>
      </form>
      {error && <div className="failure" role="alert"><span>{error}</span></div>}
      {rows === null && !error && <p className="muted" aria-busy="true">Loading the audit log…</p>}
      {rows?.length === 0 && <p className="muted">No events match.</p>}
      {!!rows?.length && (
        <div className="audit-scroll">
          <table className="audit-table">
            <thead>
              <tr><th>Time (UTC)</th><th>Actor</th><th>Action</th><th>Target</th><th>Outcome</th><th>Address</th><th>Detail</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className={r.outcome === 'failure' ? 'failed' : undefined}>
                  <td>{r.at.replace('T', ' ').slice(0, 19)}</td>
                  <td>{r.actor}{r.viaKey && <span className="muted small"> (key {r.viaKey})</span>}</td>
                  <td>{r.action}</td>
                  <td>{r.target ?? ''}</td>
                  <td>{r.outcome}</td>
                  <td>{r.address ?? ''}</td>
                  <td>{r.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" className="btn sm" disabled={busy} onClick={() => void load(filters, cursor)}>Load more</button>
      )}
    </section>
  );
}
