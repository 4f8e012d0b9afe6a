// The images and documents attached to the message being written, each with a remove button.
import { formatBytes, type Attachment, type DocumentFile } from '../lib/files';
import { IconClose } from './icons';

interface Props {
  files: Attachment[];
  docs: DocumentFile[];
  onRemoveFile: (id: string) => void;
  onRemoveDoc: (id: string) => void;
}

export function ComposerAttachments({ files, docs, onRemoveFile, onRemoveDoc }: Props) {
  return (
    <>
      {files.length > 0 && (
        <ul className="attachments" aria-label="Attached images">
          {files.map((f) => (
            <li key={f.id} className="attachment">
              <img src={f.dataUrl} alt={`Preview of ${f.name}`} />
              <button type="button" className="attachment-remove" aria-label={`Remove ${f.name}`} onClick={() => onRemoveFile(f.id)}>
                <IconClose size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {docs.length > 0 && (
        <ul className="doc-chips" aria-label="Attached documents">
          {docs.map((d) => (
            <li key={d.id} className="doc-chip">
              <span className="doc-chip-name">{d.name}</span>
              <span className="doc-chip-size">{formatBytes(d.size)}</span>
              <button type="button" className="attachment-remove" aria-label={`Remove ${d.name}`} onClick={() => onRemoveDoc(d.id)}>
                <IconClose size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
