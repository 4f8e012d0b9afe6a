// Share: a read-only link to the branch on screen, frozen as it is now; this conversation's links, revocable.
import { useState } from 'react';
import { absoluteUrl, createShare } from '../api/shares';
import { CopyButton } from './CopyButton';
import { Dialog } from './Dialog';
import { ShareLinks } from './ShareLinks';

interface Props {
  conversationId: string;
  leafId: string | null;
  onClose: () => void;
}

export function ShareDialog({ conversationId, leafId, onClose }: Props) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const link = await createShare(conversationId, leafId);
      setUrl(absoluteUrl(link.url));
      setVersion((v) => v + 1);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Share conversation" onClose={onClose}>
      <p className="muted small">
        Anyone with the link can read the messages on the branch you see now, as they are now, without signing in.
        Later messages are not included; revoking the link or deleting the conversation ends it.
      </p>
      {url ? (
        <div className="share-new" role="region" aria-label="New link">
          <label htmlFor="share-url">Link</label>
          <div className="row">
            <input id="share-url" className="share-input" readOnly value={url} onFocus={(e) => e.target.select()} />
            <CopyButton text={url} label="Copy link" />
          </div>
        </div>
      ) : (
        <div className="row">
          <button type="button" className="btn primary" data-autofocus disabled={busy} onClick={() => void create()}>
            {busy ? 'Creating…' : 'Create link'}
          </button>
        </div>
      )}
      {error && <div className="failure" role="alert"><p className="failure-message">{error}</p></div>}
      <h3 className="section-title">Links to this conversation</h3>
      <ShareLinks conversationId={conversationId} version={version} />
    </Dialog>
  );
}
