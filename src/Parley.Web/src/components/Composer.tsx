// The message box: autosizing textarea, image and document attachments (picker, paste, drop), send/stop.
import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { ClientConfig } from '../api/config';
import { formatBytes, isDocument, toAttachment, toDocumentFile, validateDocument, validateImage, type Attachment, type DocumentFile } from '../lib/files';
import { plural } from '../lib/format';
import { IconClose, IconPaperclip, IconSend, IconStop } from './icons';

export interface ComposerHandle {
  addFiles: (files: FileList | File[]) => void;
  focus: () => void;
}

interface Props {
  streaming: boolean;
  limits: ClientConfig['limits'];
  vision: boolean;
  /** `documents` are uploaded by the caller before the message is sent. */
  onSend: (text: string, images: string[], documents: File[]) => Promise<boolean>;
  onStop: () => void;
}

export const Composer = forwardRef<ComposerHandle, Props>(function Composer({ streaming, limits, vision, onSend, onStop }, ref) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const [docs, setDocs] = useState<DocumentFile[]>([]);
  const docsRef = useRef(docs);
  docsRef.current = docs;
  const takesDocuments = !!limits.maxDocumentBytes;
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const textRef = useRef(text);
  textRef.current = text;
  const filesRef = useRef(files);
  filesRef.current = files;

  // Ready to type on arrival, except on touch screens where the keyboard would pop up.
  useLayoutEffect(() => {
    if (!window.matchMedia?.('(hover: none)').matches) area.current?.focus();
  }, []);

  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [text]);

  const addFiles = async (list: FileList | File[]) => {
    const errors: string[] = [];
    const ok: File[] = [];
    const documents: File[] = [];
    for (const f of Array.from(list)) {
      if (!limits.imageTypes.includes(f.type) && isDocument(f, limits)) {
        const problem = validateDocument(f, limits);
        if (problem) errors.push(problem);
        else documents.push(f);
        continue;
      }
      const problem = validateImage(f, limits);
      if (problem) errors.push(takesDocuments && !f.type.startsWith('image/') ? (validateDocument(f, limits) ?? problem) : problem);
      else ok.push(f);
    }
    const maxDocs = limits.maxDocumentsPerMessage ?? Infinity;
    const docRoom = Math.max(0, maxDocs - docsRef.current.length);
    if (documents.length > docRoom) {
      errors.push(`A message can carry at most ${plural(maxDocs, 'document')}.`);
      documents.splice(docRoom);
    }
    if (documents.length) setDocs((cur) => [...cur, ...documents.map(toDocumentFile)]);
    const max = limits.maxImagesPerMessage ?? Infinity;
    const room = Math.max(0, max - filesRef.current.length);
    if (ok.length > room) {
      errors.push(`A message can carry at most ${plural(max, 'image')}.`);
      ok.splice(room);
    }
    setError(errors.length ? errors.join(' ') : null);
    if (ok.length) {
      const added = await Promise.all(ok.map(toAttachment));
      setFiles((cur) => [...cur, ...added]);
    }
  };

  useImperativeHandle(ref, () => ({ addFiles: (l) => void addFiles(l), focus: () => area.current?.focus() }));

  const submit = async () => {
    const value = textRef.current;
    if (streaming || (!value.trim() && !files.length && !docs.length)) return;
    if (value.length > limits.maxMessageChars) {
      setError(`Your message is ${plural(value.length, 'character')}; the limit is ${plural(limits.maxMessageChars, 'character')}.`);
      return;
    }
    const sent = files;
    const sentDocs = docs;
    setError(null);
    setText('');
    setFiles([]);
    setDocs([]);
    const ok = await onSend(value, sent.map((f) => f.dataUrl), sentDocs.map((d) => d.file));
    // A failed send gives the words back, unless the reader already typed something new.
    if (!ok && !textRef.current) {
      setText(value);
      setFiles(sent);
      setDocs(sentDocs);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && streaming) {
      e.preventDefault();
      onStop();
    }
  };

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const pasted = Array.from(e.clipboardData.files);
    if (pasted.length) {
      e.preventDefault();
      void addFiles(pasted);
      return;
    }
    const incoming = e.clipboardData.getData('text').length;
    const el = e.currentTarget;
    const resulting = el.value.length - (el.selectionEnd - el.selectionStart) + incoming;
    if (resulting > limits.maxMessageChars) {
      e.preventDefault();
      setError(`That paste would make the message ${plural(resulting, 'character')} long; the limit is ${plural(limits.maxMessageChars, 'character')}.`);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit();
  };

  const canSend = !streaming && (text.trim().length > 0 || files.length > 0 || docs.length > 0);
  const accept = [...limits.imageTypes, ...(takesDocuments ? limits.documentExtensions ?? [] : [])].join(',');
  const what = takesDocuments ? 'images or documents' : 'images';
  return (
    <form className="composer" onSubmit={onSubmit} aria-label="Send a message">
      {error && (
        <div className="composer-error" role="alert">
          <span>{error}</span>
          <button type="button" className="icon-btn sm" aria-label="Dismiss error" onClick={() => setError(null)}><IconClose size={14} /></button>
        </div>
      )}
      <div className="composer-box">
        {files.length > 0 && (
          <ul className="attachments" aria-label="Attached images">
            {files.map((f) => (
              <li key={f.id} className="attachment">
                <img src={f.dataUrl} alt={`Preview of ${f.name}`} />
                <button type="button" className="attachment-remove" aria-label={`Remove ${f.name}`}
                  onClick={() => setFiles((cur) => cur.filter((x) => x.id !== f.id))}><IconClose size={12} /></button>
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
                <button type="button" className="attachment-remove" aria-label={`Remove ${d.name}`}
                  onClick={() => setDocs((cur) => cur.filter((x) => x.id !== d.id))}><IconClose size={12} /></button>
              </li>
            ))}
          </ul>
        )}
        {files.length > 0 && !vision && <div className="composer-hint warn">The selected model can't see images; pick a vision model.</div>}
        <div className="composer-row">
          <button type="button" className="icon-btn" aria-label={`Attach ${what}`} title={`Attach ${what}`} onClick={() => picker.current?.click()}>
            <IconPaperclip />
          </button>
          <input ref={picker} type="file" accept={accept} multiple hidden data-testid="file-input"
            aria-label={`Choose ${what} to attach`} onChange={(e) => { if (e.target.files) void addFiles(e.target.files); e.target.value = ''; }} />
          <label htmlFor="composer-input" className="sr-only">Message</label>
          <textarea id="composer-input" ref={area} rows={1} value={text} placeholder="Message Parley"
            onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} onPaste={onPaste} />
          {streaming ? (
            <button type="button" className="send-btn stop" aria-label="Stop generating" title="Stop (Esc)" onClick={onStop}><IconStop /></button>
          ) : (
            <button type="submit" className="send-btn" aria-label="Send message" title="Send (Enter)" disabled={!canSend}><IconSend /></button>
          )}
        </div>
      </div>
      <div className="composer-foot">Enter to send · Shift+Enter for a new line · Esc to stop</div>
    </form>
  );
});
