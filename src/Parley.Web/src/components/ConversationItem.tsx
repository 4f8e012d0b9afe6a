// One sidebar row: link to the conversation, inline rename, delete.
import { memo, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { ConversationSummary } from '../api/types';
import { IconRename, IconTrash } from './icons';

interface Props {
  item: ConversationSummary;
  active: boolean;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (item: ConversationSummary) => void;
}

export const ConversationItem = memo(function ConversationItem({ item, active, onOpen, onRename, onDelete }: Props) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(item.title);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const save = () => {
    setEditing(false);
    const t = title.trim();
    if (t && t !== item.title) onRename(item.id, t);
    else setTitle(item.title);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') save();
    if (e.key === 'Escape') {
      e.stopPropagation();
      setTitle(item.title);
      setEditing(false);
    }
  };
  const open = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    onOpen(item.id);
  };
  const name = item.title || 'New chat';

  return (
    <li className={`conv${active ? ' active' : ''}`} data-conversation-id={item.id}>
      {editing ? (
        <input ref={input} className="conv-rename" aria-label="Conversation title" value={title}
          onChange={(e) => setTitle(e.target.value)} onKeyDown={onKey} onBlur={save} />
      ) : (
        <a href={`/c/${encodeURIComponent(item.id)}`} onClick={open} aria-current={active ? 'page' : undefined} title={name}>
          <span className="conv-title">{name}</span>
          {item.snippet && <span className="conv-snippet">{item.snippet}</span>}
        </a>
      )}
      {!editing && (
        <span className="conv-actions">
          <button type="button" className="icon-btn sm" aria-label={`Rename “${name}”`} title="Rename"
            onClick={() => { setTitle(item.title); setEditing(true); }}><IconRename size={14} /></button>
          <button type="button" className="icon-btn sm" aria-label={`Delete “${name}”`} title="Delete"
            onClick={() => onDelete(item)}><IconTrash size={14} /></button>
        </span>
      )}
    </li>
  );
});
