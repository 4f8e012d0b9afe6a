// One sidebar row: link to the conversation, inline rename, organise (pin, folder), export (JSON or Markdown), delete.
// The row can be dragged onto a folder (see FolderSection).
import { memo, useState, type MouseEvent } from 'react';
import { ApiError } from '../api/http';
import { exportConversation, type ExportFormat } from '../api/portability';
import type { ConversationSummary, Folder } from '../api/types';
import { IconDownload, IconPin, IconRename, IconTrash } from './icons';
import { OrganiseMenu } from './OrganiseMenu';
import { useInlineRename } from './useInlineRename';

/** The drag data type a conversation row carries (its id). */
export const CONVERSATION_DRAG_TYPE = 'application/x-parley-conversation';

interface Props {
  item: ConversationSummary;
  active: boolean;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (item: ConversationSummary) => void;
  folders: Folder[];
  onOrganise: (id: string, patch: { pinned?: boolean; folderId?: string | null }) => void;
}

export const ConversationItem = memo(function ConversationItem({ item, active, onOpen, onRename, onDelete, folders, onOrganise }: Props) {
  const rename = useInlineRename(item.title, (title) => onRename(item.id, title));
  const editing = rename.editing;
  const [organising, setOrganising] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    onOpen(item.id);
  };
  const name = item.title || 'New chat';
  const doExport = async (format: ExportFormat) => {
    setExporting(false);
    setExportError(null);
    try {
      await exportConversation(item.id, format);
    } catch (e) {
      setExportError(e instanceof ApiError ? e.message : 'The export failed. Retry.');
    }
  };

  return (
    <li className={`conv${active ? ' active' : ''}`} data-conversation-id={item.id} draggable={!editing}
      onDragStart={(e) => { e.dataTransfer.setData(CONVERSATION_DRAG_TYPE, item.id); e.dataTransfer.effectAllowed = 'move'; }}>
      {editing ? (
        <input {...rename.field} className="conv-rename" aria-label="Conversation title" />
      ) : (
        <a href={`/c/${encodeURIComponent(item.id)}`} onClick={open} aria-current={active ? 'page' : undefined} title={name}>
          <span className="conv-title">{name}</span>
          {item.snippet && <span className="conv-snippet">{item.snippet}</span>}
        </a>
      )}
      {!editing && (
        <span className="conv-actions">
          <button type="button" className="icon-btn sm" aria-label={`Rename “${name}”`} title="Rename"
            onClick={rename.start}><IconRename size={14} /></button>
          <button type="button" className="icon-btn sm" aria-label={`Organise “${name}”`} title="Pin or move to a folder"
            aria-haspopup="menu" aria-expanded={organising} onClick={() => { setExporting(false); setOrganising((v) => !v); }}><IconPin size={14} /></button>
          <button type="button" className="icon-btn sm" aria-label={`Export “${name}”`} title="Export"
            aria-haspopup="menu" aria-expanded={exporting} onClick={() => { setOrganising(false); setExporting((v) => !v); }}><IconDownload size={14} /></button>
          <button type="button" className="icon-btn sm" aria-label={`Delete “${name}”`} title="Delete"
            onClick={() => onDelete(item)}><IconTrash size={14} /></button>
        </span>
      )}
      {exporting && (
        <div className="conv-menu" role="menu" aria-label={`Export “${name}”`} onKeyDown={(e) => { if (e.key === 'Escape') setExporting(false); }}>
          <button type="button" role="menuitem" onClick={() => void doExport('json')}>Export as JSON</button>
          <button type="button" role="menuitem" onClick={() => void doExport('markdown')}>Export as Markdown</button>
        </div>
      )}
      {organising && <OrganiseMenu item={item} name={name} folders={folders} onOrganise={onOrganise} onClose={() => setOrganising(false)} />}
      {exportError && <div className="sidebar-note error" role="alert">{exportError}</div>}
    </li>
  );
});
