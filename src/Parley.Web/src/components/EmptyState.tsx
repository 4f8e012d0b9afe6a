// A new chat: greeting, and the preloaded messages from /api/config.
import type { PreloadedMessage } from '../api/config';
import { Markdown } from './Markdown';

export function EmptyState({ name, preloaded }: { name: string; preloaded: PreloadedMessage[] }) {
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
      <p className="muted">Ask {name} anything. Drop images here to attach them.</p>
    </div>
  );
}
