// A tab list with one panel (WAI-ARIA tabs: arrow keys move between tabs, the panel is labelled by its tab).
import type { KeyboardEvent, ReactNode } from 'react';

interface Props {
  label: string;
  tabs: { id: string; label: string }[];
  active: string;
  onChange: (id: string) => void;
  idPrefix: string;
  children: ReactNode;
}

export function Tabs({ label, tabs, active, onChange, idPrefix, children }: Props) {
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const at = tabs.findIndex((t) => t.id === active);
    const next = tabs[(at + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    onChange(next.id);
    window.setTimeout(() => document.getElementById(`${idPrefix}-tab-${next.id}`)?.focus(), 0);
  };
  return (
    <>
      <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKey}>
        {tabs.map((t) => (
          <button key={t.id} id={`${idPrefix}-tab-${t.id}`} type="button" role="tab" aria-selected={t.id === active}
            aria-controls={`${idPrefix}-panel`} tabIndex={t.id === active ? 0 : -1} onClick={() => onChange(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <div id={`${idPrefix}-panel`} role="tabpanel" aria-labelledby={`${idPrefix}-tab-${active}`} className="tab-panel">
        {children}
      </div>
    </>
  );
}
