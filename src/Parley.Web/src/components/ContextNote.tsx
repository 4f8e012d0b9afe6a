// Context compression's trace on a reply: the summary that replaced the oldest messages (collapsed), or a note that they were dropped.
import type { ContentPart } from '../api/types';

type ContextPart = Extract<ContentPart, { type: 'context_summary' | 'context_trimmed' }>;

export function ContextNote({ part }: { part: ContextPart }) {
  if (part.type === 'context_trimmed') {
    return (
      <div className="context-note context-trimmed" role="note">
        Earlier messages left out: {part.text}
      </div>
    );
  }
  const count = `${part.messageCount} message${part.messageCount === 1 ? '' : 's'}`;
  return (
    <details className="context-note context-summary">
      <summary title={`Summarised by ${part.model}`}>Earlier messages summarised ({count})</summary>
      <div className="context-summary-text">{part.text}</div>
    </details>
  );
}
