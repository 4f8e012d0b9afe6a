// The message box: autosizing textarea, image and document attachments (picker, paste, drop), send/stop.
import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { ClientConfig } from '../api/config';
import { isDocument, toAttachment, toDocumentFile, validateDocument, validateImage, type Attachment, type DocumentFile } from '../lib/files';
import { plural } from '../lib/format';
import { useDraft } from '../state/useDraft';
import { ComposerAttachments } from './ComposerAttachments';
import { IconClose, IconPaperclip, IconSend, IconStop } from './icons';

export interface ComposerHandle {
  addFiles: (files: FileList | File[]) => void;
  focus: () => void;
  /** Puts text back in the box (editing a message that failed to send). */
  setText: (text: string) => void;
}

interface Props {
  streaming: boolean;
  limits: ClientConfig['limits'];
  vision: boolean;
  /** Where the unsent text is kept (per user and conversation), see lib/drafts. */
  draftKey: string;
  /** `documents` are uploaded by the caller before the message is sent. */
  onSend: (text: string, images: string[], documents: File[]) => Promise<boolean>;
  onStop: () => void;
}

export const Composer = forwardRef<ComposerHandle, Props>(function Composer({ streaming, limits, vision, draftKey, onSend, onStop }, ref) {
  const [text, setText] = useDraft(draftKey);
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

  useImperativeHandle(ref, () => ({
    addFiles: (l) => void addFiles(l),
    focus: () => area.current?.focus(),
    setText: (t) => {
      setText(t);
      area.current?.focus();
    },
  }));

  const submit = async () => {
    const value = textRef.current;
    if (streaming || (!value.trim() && !files.length && !docs.length)) return;
    if (value.length > limits.maxMessageChars) {
      setError(`Your message is ${plural(value.length, 'character')}; the limit is ${plural(limits.maxMessageChars, 'character')}.`);
      return;
    }
    setError(null);
    setText('');
    setFiles([]);
    setDocs([]);
    // A failed send stays in the conversation once, with Retry (and Edit when it never reached the server).
    await onSend(value, files.map((f) => f.dataUrl), docs.map((d) => d.file));
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
        <ComposerAttachments files={files} docs={docs} onRemoveFile={(id) => setFiles((cur) => cur.filter((x) => x.id !== id))}
          onRemoveDoc={(id) => setDocs((cur) => cur.filter((x) => x.id !== id))} />
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
