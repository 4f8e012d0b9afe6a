// One API key in the list: name, prefix, owner, models, limits, dates, state; revoke with a confirmation.
import { useState } from 'react';
import type { ApiKey } from '../api/keys';
import { describeLimits, keyState, shortDate } from '../lib/keys';

interface Props {
  item: ApiKey;
  showOwner: boolean;
  onRevoke: () => Promise<void>;
}

export function KeyRow({ item, showOwner, onRevoke }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const state = keyState(item);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await onRevoke();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <li className="key-row" data-state={state} aria-label={`Key ${item.name}`}>
      <div className="key-main">
        <span className="key-name">{item.name}</span>
        <code className="key-prefix">{item.prefix}…</code>
        {state !== 'active' && <span className="badge">{state}</span>}
        {showOwner && <span className="muted small">owner: {item.owner}</span>}
      </div>
      <dl className="key-facts">
        <dt>Models</dt><dd>{item.models.length ? item.models.join(', ') : 'all models'}</dd>
        <dt>Limits</dt><dd>{describeLimits(item)}</dd>
        <dt>Expires</dt><dd>{shortDate(item.expiresAt, 'never')}</dd>
        <dt>Last used</dt><dd>{shortDate(item.lastUsedAt, 'never')}</dd>
        {item.revokedAt && <><dt>Revoked</dt><dd>{shortDate(item.revokedAt)}</dd></>}
      </dl>
      {state !== 'revoked' && (
        <div className="key-actions">
          {confirming ? (
            <>
              <button type="button" className="btn sm danger" autoFocus disabled={busy} onClick={() => void revoke()}>Revoke “{item.name}”?</button>
              <button type="button" className="btn sm ghost" disabled={busy} onClick={() => setConfirming(false)}>Cancel</button>
            </>
          ) : (
            <button type="button" className="btn sm" onClick={() => setConfirming(true)}>Revoke</button>
          )}
        </div>
      )}
      {error && <div className="failure" role="alert"><span>{error}</span></div>}
    </li>
  );
}
