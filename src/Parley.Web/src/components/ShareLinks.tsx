// The caller's share links (optionally of one conversation), each with its address, copy and revoke.
import { useCallback, useEffect, useState } from 'react';
import { absoluteUrl, listShares, revokeShare, type ShareLink } from '../api/shares';
import { plural } from '../lib/format';
import { CopyButton } from './CopyButton';

interface Props {
  conversationId?: string;
  /** Bumped by the parent after it created a link, to reload the list. */
  version?: number;
}

export function ShareLinks({ conversationId, version = 0 }: Props) {
  const [links, setLinks] = useState<ShareLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const all = await listShares(signal);
      setLinks(conversationId ? all.filter((l) => l.conversationId === conversationId) : all);
      setError(null);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
    }
  }, [conversationId]);

  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load, version]);

  const revoke = async (token: string) => {
    try {
      await revokeShare(token);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section aria-label="Shared links" className="share-links">
      {error && <div className="failure" role="alert"><p className="failure-message">{error}</p></div>}
      {links === null && !error && <p className="muted" aria-busy="true">Loading links…</p>}
      {links?.length === 0 && <p className="muted small">{conversationId ? 'No links to this conversation yet.' : 'You have not shared anything.'}</p>}
      {!!links?.length && (
        <ul className="key-list" aria-label="Links">
          {links.map((l) => (
            <li key={l.token} className="key-row" aria-label={`Link to ${l.title}`}>
              <div className="key-main">
                <strong>{l.title}</strong>
                <span className="muted small"> · {plural(l.messages, 'message')} · {new Date(l.createdAt).toLocaleString()}</span>
                <div className="share-url"><code>{absoluteUrl(l.url)}</code></div>
              </div>
              <CopyButton text={absoluteUrl(l.url)} label="Copy link" />
              <button type="button" className="btn sm danger" onClick={() => void revoke(l.token)}>Revoke</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
