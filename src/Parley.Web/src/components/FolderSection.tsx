// One folder in the sidebar: a header that collapses it, inline rename, delete (its conversations move out),
// and a drop target for conversation rows dragged onto it.
import { useState, type DragEvent, type ReactNode } from 'react';
import type { Folder } from '../api/types';
import { CONVERSATION_DRAG_TYPE } from './ConversationItem';
import { IconChevronDown, IconChevronRight, IconFolder, IconRename, IconTrash } from './icons';
import { useInlineRename } from './useInlineRename';

interface Props {
  folder: Folder;
  count: number;
  collapsed: boolean;
  onToggle: (id: string) => void;
  onRename: (id: string, name: string) => void;
  onDelete: (id: string) => void;
  onDropConversation: (conversationId: string, folderId: string) => void;
  children: ReactNode;
}

export function FolderSection({ folder, count, collapsed, onToggle, onRename, onDelete, onDropConversation, children }: Props) {
  const rename = useInlineRename(folder.name, (name) => onRename(folder.id, name));
  const [over, setOver] = useState(false);
  const carries = (e: DragEvent) => e.dataTransfer.types.includes(CONVERSATION_DRAG_TYPE);
  const listId = `folder-${folder.id}`;

  return (
    <section className="conv-group folder" aria-label={`Folder ${folder.name}`} data-folder-id={folder.id} data-drop-over={over || undefined}
      onDragOver={(e) => { if (carries(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; setOver(true); } }}
      onDragLeave={(e) => { if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false); }}
      onDrop={(e) => {
        setOver(false);
        const id = e.dataTransfer.getData(CONVERSATION_DRAG_TYPE);
        if (!id) return;
        e.preventDefault();
        e.stopPropagation();
        onDropConversation(id, folder.id);
      }}>
      <div className="folder-head">
        {rename.editing ? (
          <input {...rename.field} className="conv-rename" aria-label="Folder name" maxLength={80} />
        ) : (
          <button type="button" className="folder-toggle" aria-expanded={!collapsed} aria-controls={listId} onClick={() => onToggle(folder.id)}>
            {collapsed ? <IconChevronRight size={14} /> : <IconChevronDown size={14} />}
            <IconFolder size={14} />
            <span className="folder-name">{folder.name}</span>
            <span className="folder-count">{count}</span>
          </button>
        )}
        {!rename.editing && (
          <span className="conv-actions">
            <button type="button" className="icon-btn sm" aria-label={`Rename folder “${folder.name}”`} title="Rename folder"
              onClick={rename.start}><IconRename size={14} /></button>
            <button type="button" className="icon-btn sm" aria-label={`Delete folder “${folder.name}”`} title="Delete folder (its chats are kept)"
              onClick={() => onDelete(folder.id)}><IconTrash size={14} /></button>
          </span>
        )}
      </div>
      <ul id={listId} hidden={collapsed}>
        {children}
        {count === 0 && !collapsed && <li className="folder-empty">Drag chats here, or use a chat’s Organise menu.</li>}
      </ul>
    </section>
  );
}
