// Server status banner: unreachable (always shown), or /health warnings (dismissible per session).
import { useState } from 'react';
import type { ServerStatus } from '../state/useServerInfo';
import { IconClose } from './icons';

const KEY = 'parley.dismissedWarnings';

/** Warnings for everyone, plus the operator's (no real provider) for administrators only. */
export function Banner({ status, admin }: { status: ServerStatus; admin: boolean }) {
  const text = status.warnings.filter((w) => admin || !status.adminOnly.includes(w)).join(' · ');
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(KEY) ?? '');
  if (status.reachable && (!text || dismissed === text)) return null;
  return (
    <div className={`banner ${status.reachable ? 'warn' : 'down'}`} role="status" aria-live="polite" data-testid="banner">
      <span>{status.reachable ? text : "Can't reach the Parley server. Retrying…"}</span>
      {status.reachable && (
        <button type="button" className="icon-btn sm" aria-label="Dismiss notice" onClick={() => {
          sessionStorage.setItem(KEY, text);
          setDismissed(text);
        }}><IconClose size={14} /></button>
      )}
    </div>
  );
}
