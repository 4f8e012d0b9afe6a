// Conversations newest first, grouped by day; search; new chat; collapsible.
import { forwardRef, useMemo, type ReactNode } from 'react';
import type { ConversationSummary } from '../api/types';
import { groupByDay } from '../lib/grouping';
import { ConversationItem } from './ConversationItem';
import { DataTools } from './DataTools';
import { IconNew, IconSearch, IconSidebar } from './icons';

interface Props {
  open: boolean;
  items: ConversationSummary[];
  activeId: string | null;
  query: string;
  loading: boolean;
  error: string | null;
  appName: string;
  onQuery: (q: string) => void;
  onNew: () => void;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (item: ConversationSummary) => void;
  onClose: () => void;
  onLoadMore?: () => void;
  onImported?: () => void;
  /** Pinned below the list (the user menu). */
  footer?: ReactNode;
  /** Seed 004's line: the session id (shortened) and where conversations are stored. */
  session?: string | null;
  store?: string;
}

export const Sidebar = forwardRef<HTMLInputElement, Props>(function Sidebar(p, searchRef) {
  const groups = useMemo(() => groupByDay(p.items), [p.items]);
  return (
    <nav id="sidebar" className="sidebar" aria-label="Conversations" data-open={p.open}>
      <div className="sidebar-top">
        <button type="button" className="icon-btn" aria-label="Close sidebar" title="Close sidebar" onClick={p.onClose}>
          <IconSidebar />
        </button>
        <span className="brand">{p.appName}</span>
        <button type="button" className="icon-btn" aria-label="New chat" title="New chat (Ctrl+Shift+O)" onClick={p.onNew}>
          <IconNew />
        </button>
      </div>
      <div className="search">
        <IconSearch size={15} />
        <input ref={searchRef} type="search" placeholder="Search chats" aria-label="Search conversations" value={p.query}
          onChange={(e) => p.onQuery(e.target.value)} />
      </div>
      <div className="conv-scroll">
        {p.error && <div className="sidebar-note error" role="alert">{p.error}</div>}
        {!p.loading && !p.error && groups.length === 0 && (
          <div className="sidebar-note">{p.query ? 'No conversations match.' : 'No conversations yet.'}</div>
        )}
        {groups.map((g) => (
          <section key={g.label} className="conv-group" aria-label={g.label}>
            <h2>{g.label}</h2>
            <ul>
              {g.items.map((c) => (
                <ConversationItem key={c.id} item={c} active={c.id === p.activeId}
                  onOpen={p.onOpen} onRename={p.onRename} onDelete={p.onDelete} />
              ))}
            </ul>
          </section>
        ))}
        {p.onLoadMore && (
          <div className="load-more"><button type="button" className="btn sm" onClick={p.onLoadMore}>Show more</button></div>
        )}
      </div>
      <DataTools onImported={p.onImported} />
      {p.session && p.store && (
        <div className="sidebar-session" data-testid="session-line" title={`Session ${p.session}`}>
          Session: {p.session.slice(0, 8)}{p.session.length > 8 ? '…' : ''} • Store: {p.store}
        </div>
      )}
      {p.footer}
    </nav>
  );
});
