// Settings → General: theme, and the model, system prompt and temperature every new chat starts with.
import { useState, type FormEvent } from 'react';
import type { ModelInfo } from '../api/models';
import type { Preferences, Theme } from '../api/preferences';

interface Props {
  prefs: Preferences;
  models: ModelInfo[];
  serverDefault: string;
  /** Rejects with the server's sentence, shown in the form. */
  onSave: (next: Preferences) => Promise<unknown>;
}

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function PreferencesForm({ prefs, models, serverDefault, onSave }: Props) {
  const [theme, setTheme] = useState<Theme>(prefs.theme ?? 'system');
  const [model, setModel] = useState(prefs.defaultModel ?? '');
  const [prompt, setPrompt] = useState(prefs.systemPrompt ?? '');
  const [temp, setTemp] = useState(prefs.temperature == null ? '' : String(prefs.temperature));
  const [status, setStatus] = useState<{ error?: string; saved?: boolean; busy?: boolean }>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setStatus({ busy: true });
    try {
      await onSave({
        theme,
        defaultModel: model || null,
        systemPrompt: prompt.trim() ? prompt : null,
        temperature: temp === '' ? null : Number(temp),
      });
      setStatus({ saved: true });
    } catch (err) {
      setStatus({ error: (err as Error).message });
    }
  };

  const serverLabel = models.find((m) => m.id === serverDefault)?.label ?? serverDefault;
  return (
    <form className="prefs" aria-label="General settings" onSubmit={(e) => void submit(e)}>
      <fieldset className="theme-choice">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.value} className="radio">
            <input type="radio" name="theme" value={t.value} checked={theme === t.value} onChange={() => setTheme(t.value)} />
            {t.label}
          </label>
        ))}
      </fieldset>
      <label htmlFor="pref-model">Default model for new chats</label>
      <select id="pref-model" value={model} onChange={(e) => setModel(e.target.value)}>
        <option value="">Server default ({serverLabel || 'none'})</option>
        {models.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
      </select>
      <label htmlFor="pref-prompt">System prompt for new chats</label>
      <textarea id="pref-prompt" rows={4} value={prompt} placeholder="e.g. Answer briefly, in British English."
        onChange={(e) => setPrompt(e.target.value)} />
      <label htmlFor="pref-temp">Temperature <span className="muted">{temp === '' ? 'model default' : temp}</span></label>
      <div className="temp-row">
        <input id="pref-temp" type="range" min={0} max={2} step={0.1} value={temp === '' ? 1 : temp} onChange={(e) => setTemp(e.target.value)} />
        <button type="button" className="btn sm" onClick={() => setTemp('')}>Default</button>
      </div>
      {status.error && <div className="failure" role="alert"><p className="failure-message">{status.error}</p></div>}
      <div className="panel-actions">
        {status.saved && <span className="muted" role="status">Saved.</span>}
        <button type="submit" className="btn primary" disabled={status.busy}>{status.busy ? 'Saving…' : 'Save settings'}</button>
      </div>
    </form>
  );
}
