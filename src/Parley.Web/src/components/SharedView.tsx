// /s/{token}: a shared conversation, read-only, for anyone with the link (no sign-in, no sidebar).
import { useEffect, useState } from 'react';
import { getShared, type SharedConversation } from '../api/shares';
import { plural } from '../lib/format';
import { Markdown } from './Markdown';

export function SharedView({ token }: { token: string }) {
  const [shared, setShared] = useState<SharedConversation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    getShared(token, ctl.signal)
      .then((s) => {
        setShared(s);
        document.title = `${s.title} · shared from Parley`;
      })
      .catch((e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ctl.abort();
  }, [token]);

  if (error) {
    return (
      <main className="center full shared-missing">
        <p role="alert">{error}</p>
        <a className="btn" href="/">Open Parley</a>
      </main>
    );
  }
  if (!shared) return <div className="center muted full" aria-busy="true">Loading the shared conversation…</div>;
  return (
    <div className="shared">
      <header className="shared-head">
        <h1>{shared.title}</h1>
        <p className="muted">Shared conversation · read-only · {new Date(shared.sharedAt).toLocaleDateString()}</p>
      </header>
      <main className="shared-messages" aria-label="Shared messages">
        {shared.messages.map((m, i) => (
          <article key={i} className={`shared-message ${m.role}`} data-role={m.role} aria-label={m.role === 'user' ? 'User message' : 'Assistant reply'}>
            {m.role === 'user' ? <div className="bubble user-text">{m.text}</div> : <Markdown text={m.text} />}
            {m.images > 0 && <p className="muted small">{plural(m.images, 'image')} not included in the shared copy.</p>}
          </article>
        ))}
      </main>
      <footer className="shared-foot"><a href="/">Open Parley</a></footer>
    </div>
  );
}
