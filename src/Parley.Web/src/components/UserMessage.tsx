// A user message: bubble, images, document chips (with download links), and copy / edit / version switcher.
import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Message } from '../api/types';
import { formatBytes } from '../lib/files';
import { useChatUi } from './ChatContext';
import { CopyButton } from './CopyButton';
import { IconEdit } from './icons';
import { VersionSwitcher } from './VersionSwitcher';

interface Props {
  message: Message;
  version: number;
  versions: number;
}

export const UserMessage = memo(function UserMessage({ message, version, versions }: Props) {
  const ui = useChatUi();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.text);
  const ref = useRef<HTMLTextAreaElement>(null);
  const images = message.content.filter((p) => p.type === 'image');
  const documents = message.content.flatMap((p) => (p.type === 'attachment' ? [p] : []));

  useEffect(() => {
    if (editing && ref.current) {
      ref.current.focus();
      ref.current.setSelectionRange(ref.current.value.length, ref.current.value.length);
    }
  }, [editing]);

  const submit = () => {
    if (!draft.trim() || ui.busy) return;
    setEditing(false);
    ui.edit(message.id, draft);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      setEditing(false);
    }
  };

  return (
    <article className="msg msg-user" data-role="user" data-message-id={message.id} aria-label="Your message">
      {images.length > 0 && (
        <div className="msg-images">
          {images.map((p, i) => p.type === 'image' && <img key={i} src={p.url} alt={`Attached image ${i + 1}`} loading="lazy" />)}
        </div>
      )}
      {documents.length > 0 && (
        <ul className="doc-chips msg-docs" aria-label="Attached documents">
          {documents.map((d) => (
            <li key={d.id} className="doc-chip">
              <a href={d.url} download={d.name} title={`Download ${d.name}`}>
                <span className="doc-chip-name">{d.name}</span>
                <span className="doc-chip-size">{formatBytes(d.size)}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <div className="edit-box">
          <label className="sr-only" htmlFor={`edit-${message.id}`}>Edit message</label>
          <textarea id={`edit-${message.id}`} ref={ref} value={draft} rows={Math.min(10, draft.split('\n').length + 1)}
            onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} />
          <div className="edit-actions">
            <button type="button" className="btn" onClick={() => { setEditing(false); setDraft(message.text); }}>Cancel</button>
            <button type="button" className="btn primary" disabled={!draft.trim() || ui.busy} onClick={submit}>Send</button>
          </div>
        </div>
      ) : (
        message.text && <div className="bubble">{message.text}</div>
      )}
      {!editing && (
        <div className="msg-actions">
          <VersionSwitcher index={version} total={versions} disabled={ui.busy} onSwitch={(d) => ui.switchVersion(message.id, d)} />
          <CopyButton text={message.text} />
          <button type="button" className="icon-btn sm" aria-label="Edit message" title="Edit message" disabled={ui.busy}
            onClick={() => { setDraft(message.text); setEditing(true); }}>
            <IconEdit size={15} />
          </button>
        </div>
      )}
    </article>
  );
});
