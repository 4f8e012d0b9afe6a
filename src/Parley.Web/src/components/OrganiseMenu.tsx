// A conversation's "Organise" menu: pin or unpin, move to one of the user's folders, or out of its folder.
// The keyboard way to do what dragging a conversation onto a folder does.
import { useEffect, useRef } from 'react';
import type { ConversationSummary, Folder } from '../api/types';

interface Props {
  item: ConversationSummary;
  name: string;
  folders: Folder[];
  onOrganise: (id: string, patch: { pinned?: boolean; folderId?: string | null }) => void;
  onClose: () => void;
}

export function OrganiseMenu({ item, name, folders, onOrganise, onClose }: Props) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
  }, []);
  const current = folders.find((f) => f.id === item.folderId);
  const choose = (patch: { pinned?: boolean; folderId?: string | null }) => {
    onClose();
    onOrganise(item.id, patch);
  };
  return (
    <div ref={menu} className="conv-menu" role="menu" aria-label={`Organise “${name}”`}
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
      <button type="button" role="menuitem" onClick={() => choose({ pinned: !item.pinned })}>{item.pinned ? 'Unpin' : 'Pin'}</button>
      {folders.filter((f) => f.id !== current?.id).map((f) => (
        <button key={f.id} type="button" role="menuitem" onClick={() => choose({ folderId: f.id })}>Move to “{f.name}”</button>
      ))}
      {current && <button type="button" role="menuitem" onClick={() => choose({ folderId: null })}>Remove from “{current.name}”</button>}
    </div>
  );
}
