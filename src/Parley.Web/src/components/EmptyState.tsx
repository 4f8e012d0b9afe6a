// A new chat: greeting, and the preloaded messages from /api/config.
import type { PreloadedMessage } from '../api/config';
import { Markdown } from './Markdown';

interface Props {
  name: string;
  preloaded: PreloadedMessage[];
  /** The server takes documents (PDF, text, …) as well as images. */
  documents?: boolean;
}

export function EmptyState({ name, preloaded, documents }: Props) {
  if (preloaded.length) {
    return (
      <div className="messages"><div className="messages-inner preloaded" aria-label="Preloaded messages">
        {preloaded.map((m, i) => (
          <article key={i} className={`msg msg-${m.role === 'user' ? 'user' : 'assistant'}`} data-role={m.role} data-preloaded="true">
            {m.role === 'user' ? <div className="bubble">{m.content}</div> : <div className="msg-body"><Markdown text={m.content} /></div>}
          </article>
        ))}
      </div></div>
    );
  }
  return (
    <div className="empty">
      <h2>What can I help with?</h2>
      <p className="muted">
        Ask {name} anything. Attach {documents ? 'images or documents' : 'images'} with the paperclip
        <span className="hover-only">, by dropping them here,</span> or by pasting.
      </p>
    </div>
  );
}
