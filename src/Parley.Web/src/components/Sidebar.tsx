// Conversations: Pinned, then folders (collapsible, drop targets), then the rest newest first by day; search
// (results by day only); new chat; new folder; collapsible.
import { forwardRef, useCallback, useMemo, useState, type ReactNode } from 'react';
import type { ConversationSummary, Folder } from '../api/types';
import { groupByDay, groupSidebar } from '../lib/grouping';
import { ConversationItem } from './ConversationItem';
import { DataTools } from './DataTools';
import { FolderSection } from './FolderSection';
import { IconFolderPlus, IconNew, IconSearch, IconSidebar } from './icons';

const COLLAPSED_KEY = 'parley.collapsedFolders';

function readCollapsed(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

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
  folders: Folder[];
  folderError?: string | null;
  onOrganise: (id: string, patch: { pinned?: boolean; folderId?: string | null }) => void;
  onCreateFolder: (name: string) => void;
  onRenameFolder: (id: string, name: string) => void;
  onDeleteFolder: (id: string) => void;
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
  const searching = p.query.trim().length > 0;
  const sections = useMemo(() => (searching ? null : groupSidebar(p.items, p.folders)), [searching, p.items, p.folders]);
  const groups = useMemo(() => (sections ? sections.days : groupByDay(p.items)), [sections, p.items]);
  const [collapsed, setCollapsed] = useState<string[]>(readCollapsed);
  const [naming, setNaming] = useState(false);
  const toggle = useCallback((id: string) => {
    setCollapsed((cur) => {
      const next = cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id];
      try {
        localStorage.setItem(COLLAPSED_KEY, JSON.stringify(next));
      } catch {
        /* private mode: collapsed for this page only */
      }
      return next;
    });
  }, []);
  const move = useCallback((id: string, folderId: string) => p.onOrganise(id, { folderId }), [p.onOrganise]);
  const row = (c: ConversationSummary) => (
    <ConversationItem key={c.id} item={c} active={c.id === p.activeId} folders={p.folders} onOrganise={p.onOrganise}
      onOpen={p.onOpen} onRename={p.onRename} onDelete={p.onDelete} />
  );
  const empty = groups.length === 0 && (!sections || (sections.pinned.length === 0 && sections.folders.length === 0));
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
        {p.folderError && <div className="sidebar-note error" role="alert">{p.folderError}</div>}
        {!p.loading && !p.error && empty && (
          <div className="sidebar-note">{p.query ? 'No conversations match.' : 'No conversations yet.'}</div>
        )}
        {sections && sections.pinned.length > 0 && (
          <section className="conv-group" aria-label="Pinned">
            <h2>Pinned</h2>
            <ul>{sections.pinned.map(row)}</ul>
          </section>
        )}
        {sections && (
          <div className="folders">
            <div className="folders-head">
              <h2>Folders</h2>
              <button type="button" className="icon-btn sm" aria-label="New folder" title="New folder" onClick={() => setNaming(true)}>
                <IconFolderPlus size={14} />
              </button>
            </div>
            {naming && (
              <input className="conv-rename folder-new" aria-label="New folder name" placeholder="Folder name" maxLength={80} autoFocus
                onBlur={(e) => { setNaming(false); if (e.target.value.trim()) p.onCreateFolder(e.target.value.trim()); }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') e.currentTarget.blur();
                  if (e.key === 'Escape') { e.stopPropagation(); e.currentTarget.value = ''; setNaming(false); }
                }} />
            )}
            {sections.folders.map(({ folder, items }) => (
              <FolderSection key={folder.id} folder={folder} count={items.length} collapsed={collapsed.includes(folder.id)} onToggle={toggle}
                onRename={p.onRenameFolder} onDelete={p.onDeleteFolder} onDropConversation={move}>
                {items.map(row)}
              </FolderSection>
            ))}
          </div>
        )}
        {groups.map((g) => (
          <section key={g.label} className="conv-group" aria-label={g.label}>
            <h2>{g.label}</h2>
            <ul>{g.items.map(row)}</ul>
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
