// The "new key" form: name, models (from /v1/models or typed), optional limits and expiry; admins pick the owner.
import { useState, type FormEvent } from 'react';
import type { NewKey } from '../api/keys';
import type { ModelInfo } from '../api/models';
import { emptyKeyForm, toNewKey, type KeyForm } from '../lib/keys';

interface Props {
  models: ModelInfo[];
  isAdmin: boolean;
  self: string;
  onCreate: (body: NewKey) => Promise<void>;
  onCancel: () => void;
}

export function KeyCreateForm({ models, isAdmin, self, onCreate, onCancel }: Props) {
  const [form, setForm] = useState<KeyForm>(emptyKeyForm);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof KeyForm>(k: K, v: KeyForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const toggleModel = (id: string, on: boolean) =>
    set('models', on ? [...form.models, id] : form.models.filter((m) => m !== id));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let body: NewKey;
    try {
      body = toNewKey(isAdmin ? form : { ...form, owner: '' });
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onCreate(body);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const num = (id: keyof KeyForm, label: string) => (
    <div className="field">
      <label htmlFor={`key-${id}`}>{label}</label>
      <input id={`key-${id}`} type="number" min={1} step={1} inputMode="numeric" placeholder="server default"
        value={form[id] as string} onChange={(e) => set(id, e.target.value)} />
    </div>
  );

  return (
    <form className="key-form stack" aria-label="New key" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor="key-name">Name</label>
      <input id="key-name" data-autofocus autoFocus placeholder="e.g. CI pipeline" value={form.name} onChange={(e) => set('name', e.target.value)} />
      {isAdmin && (
        <>
          <label htmlFor="key-owner">Owner <span className="muted">empty = you ({self})</span></label>
          <input id="key-owner" autoCapitalize="none" spellCheck={false} value={form.owner} onChange={(e) => set('owner', e.target.value)} />
        </>
      )}
      <fieldset className="key-models">
        <legend>Models <span className="muted">none ticked = every model</span></legend>
        {models.map((m) => (
          <label key={m.id} className="inline-check">
            <input type="checkbox" checked={form.models.includes(m.id)} onChange={(e) => toggleModel(m.id, e.target.checked)} />
            {m.label}
          </label>
        ))}
        <label htmlFor="key-extra-models" className="sub-label">Other model ids <span className="muted">comma-separated</span></label>
        <input id="key-extra-models" autoCapitalize="none" spellCheck={false} placeholder="e.g. openai/gpt-4o" value={form.extraModels}
          onChange={(e) => set('extraModels', e.target.value)} />
      </fieldset>
      <div className="field-grid">
        {num('requestsPerMinute', 'Requests per minute')}
        {num('dailyTokenLimit', 'Tokens per day')}
        {num('maxConcurrentStreams', 'Concurrent streams')}
        <div className="field">
          <label htmlFor="key-expires">Expires <span className="muted">optional</span></label>
          <input id="key-expires" type="date" value={form.expires} onChange={(e) => set('expires', e.target.value)} />
        </div>
      </div>
      {error && <div className="failure" role="alert"><span>{error}</span></div>}
      <div className="panel-actions">
        <button type="button" className="btn" onClick={onCancel}>Cancel</button>
        <button type="submit" className="btn primary" disabled={busy}>{busy ? 'Creating…' : 'Create key'}</button>
      </div>
    </form>
  );
}
