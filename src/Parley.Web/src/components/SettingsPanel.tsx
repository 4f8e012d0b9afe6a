// Per-conversation settings: system prompt, temperature and tools.
import { useRef, useState, type FormEvent } from 'react';
import type { ConversationSettings } from '../api/types';
import { sameSetting, type ToolSetting } from '../lib/tools';
import { useFocusTrap } from '../state/useFocusTrap';
import { useTools } from '../state/useTools';
import { IconClose } from './icons';
import { ToolSwitches } from './ToolSwitches';

interface Props {
  systemPrompt: string | null | undefined;
  temperature: number | null | undefined;
  tools: ToolSetting | undefined;
  /** Rejects with an Error whose message is shown in the panel. */
  onSave: (patch: ConversationSettings) => Promise<void>;
  onClose: () => void;
}

export function SettingsPanel({ systemPrompt, temperature, tools, onSave, onClose }: Props) {
  const [prompt, setPrompt] = useState(systemPrompt ?? '');
  const [temp, setTemp] = useState<string>(temperature == null ? '' : String(temperature));
  const [toolSetting, setToolSetting] = useState<ToolSetting>(tools ?? null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toolList = useTools();
  const panel = useRef<HTMLFormElement>(null);
  useFocusTrap(panel, onClose);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = temp.trim() === '' ? null : Math.min(2, Math.max(0, Number(temp)));
    const patch: ConversationSettings = { systemPrompt: prompt.trim() ? prompt : null, temperature: t !== null && Number.isNaN(t) ? null : t };
    // Only a changed selection is sent, so saving the prompt does not pin today's defaults.
    if (!sameSetting(toolSetting, tools ?? null)) patch.tools = toolSetting;
    setSaving(true);
    setError(null);
    try {
      await onSave(patch);
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setSaving(false);
    }
  };

  return (
    <div className="panel-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form ref={panel} className="panel" role="dialog" aria-modal="true" aria-labelledby="settings-title" onSubmit={(e) => void submit(e)}>
        <div className="panel-head">
          <h2 id="settings-title">Conversation settings</h2>
          <button type="button" className="icon-btn" aria-label="Close settings" onClick={onClose}><IconClose /></button>
        </div>
        <label htmlFor="system-prompt">System prompt</label>
        <textarea id="system-prompt" data-autofocus rows={5} value={prompt} placeholder="e.g. You are a concise assistant."
          onChange={(e) => setPrompt(e.target.value)} />
        <label htmlFor="temperature">Temperature <span className="muted">{temp === '' ? 'model default' : temp}</span></label>
        <div className="temp-row">
          <input id="temperature" type="range" min={0} max={2} step={0.1} value={temp === '' ? 1 : temp}
            onChange={(e) => setTemp(e.target.value)} />
          <button type="button" className="btn sm" onClick={() => setTemp('')}>Default</button>
        </div>
        <ToolSwitches list={toolList} setting={toolSetting} onChange={setToolSetting} />
        {error && <div className="failure" role="alert"><span>{error}</span></div>}
        <div className="panel-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn primary" disabled={saving}>{saving ? 'Saving…' : 'Save'}</button>
        </div>
      </form>
    </div>
  );
}
