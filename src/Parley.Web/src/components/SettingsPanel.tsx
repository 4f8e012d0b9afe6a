// Per-conversation settings: system prompt and temperature.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ConversationSettings } from '../api/types';
import { IconClose } from './icons';

interface Props {
  systemPrompt: string | null | undefined;
  temperature: number | null | undefined;
  onSave: (patch: ConversationSettings) => void;
  onClose: () => void;
}

export function SettingsPanel({ systemPrompt, temperature, onSave, onClose }: Props) {
  const [prompt, setPrompt] = useState(systemPrompt ?? '');
  const [temp, setTemp] = useState<string>(temperature == null ? '' : String(temperature));
  const first = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = temp.trim() === '' ? null : Math.min(2, Math.max(0, Number(temp)));
    onSave({ systemPrompt: prompt.trim() ? prompt : null, temperature: t !== null && Number.isNaN(t) ? null : t });
    onClose();
  };

  return (
    <div className="panel-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="panel" role="dialog" aria-modal="true" aria-labelledby="settings-title" onSubmit={submit}>
        <div className="panel-head">
          <h2 id="settings-title">Conversation settings</h2>
          <button type="button" className="icon-btn" aria-label="Close settings" onClick={onClose}><IconClose /></button>
        </div>
        <label htmlFor="system-prompt">System prompt</label>
        <textarea id="system-prompt" ref={first} rows={5} value={prompt} placeholder="e.g. You are a concise assistant."
          onChange={(e) => setPrompt(e.target.value)} />
        <label htmlFor="temperature">Temperature <span className="muted">{temp === '' ? 'model default' : temp}</span></label>
        <div className="temp-row">
          <input id="temperature" type="range" min={0} max={2} step={0.1} value={temp === '' ? 1 : temp}
            onChange={(e) => setTemp(e.target.value)} />
          <button type="button" className="btn sm" onClick={() => setTemp('')}>Default</button>
        </div>
        <div className="panel-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn primary">Save</button>
        </div>
      </form>
    </div>
  );
}
