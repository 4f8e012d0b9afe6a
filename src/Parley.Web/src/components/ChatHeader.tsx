// Top bar: sidebar toggle, model picker, stats, settings, clear.
import { useEffect, useState } from 'react';
import { byProvider, optionLabel, type ModelInfo } from '../api/models';
import { plural } from '../lib/format';
import { IconEraser, IconNew, IconSettings, IconShare, IconSidebar } from './icons';

interface Props {
  sidebarOpen: boolean;
  models: ModelInfo[];
  model: string;
  title: string | null;
  stats: { messages: number; tokens: number } | null;
  canClear: boolean;
  onToggleSidebar: () => void;
  onModel: (id: string) => void;
  onSettings: () => void;
  onClear: () => void;
  onShare: () => void;
  onNew: () => void;
}

export function ChatHeader(p: Props) {
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const t = window.setTimeout(() => setConfirming(false), 4000);
    return () => window.clearTimeout(t);
  }, [confirming]);
  const known = p.models.some((m) => m.id === p.model);

  return (
    <header className="chat-header">
      {!p.sidebarOpen && (
        <button type="button" className="icon-btn" aria-label="Open sidebar" aria-controls="sidebar" aria-expanded="false"
          title="Open sidebar" onClick={p.onToggleSidebar}><IconSidebar /></button>
      )}
      {!p.sidebarOpen && (
        <button type="button" className="icon-btn new-inline" aria-label="New chat" title="New chat" onClick={p.onNew}><IconNew /></button>
      )}
      <label className="sr-only" htmlFor="model-picker">Model</label>
      <select id="model-picker" className="model-picker" value={p.model} onChange={(e) => p.onModel(e.target.value)}>
        {!known && p.model && <option value={p.model}>{p.model}</option>}
        {byProvider(p.models).map(([provider, list]) => (
          <optgroup key={provider} label={provider}>
            {list.map((m) => <option key={m.id} value={m.id}>{optionLabel(m)}</option>)}
          </optgroup>
        ))}
      </select>
      <h1 className="chat-title" title={p.title ?? undefined}>{p.title}</h1>
      <div className="header-end">
        {p.stats && (
          <span className="stats" aria-label="Conversation stats" data-testid="stats">
            {plural(p.stats.messages, 'message')} · {plural(p.stats.tokens, 'token')}
          </span>
        )}
        {p.canClear && (
          <button type="button" className="icon-btn" aria-label="Share conversation" title="Share a read-only link" onClick={p.onShare}><IconShare /></button>
        )}
        <button type="button" className="icon-btn" aria-label="Conversation settings" title="System prompt, temperature and tools" onClick={p.onSettings}>
          <IconSettings />
        </button>
        {p.canClear && (
          confirming ? (
            <button type="button" className="btn sm danger" onClick={() => { setConfirming(false); p.onClear(); }}>Clear all messages?</button>
          ) : (
            <button type="button" className="icon-btn" aria-label="Clear conversation" title="Clear conversation" onClick={() => setConfirming(true)}>
              <IconEraser />
            </button>
          )
        )}
      </div>
    </header>
  );
}
