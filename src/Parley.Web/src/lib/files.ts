// Attachments: images (validated against the server's limits, sent as data URLs) and documents (uploaded as files).

export interface Attachment {
  id: string;
  name: string;
  type: string;
  size: number;
  dataUrl: string;
}

export interface ImageLimits {
  maxImageBytes: number;
  imageTypes: string[];
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function typeNames(types: string[]): string {
  const names = types.map((t) => t.replace(/^image\//, '').toUpperCase().replace('JPEG', 'JPEG'));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
}

/** A sentence explaining why the file can't be attached, or null when it can. */
export function validateImage(file: { name: string; type: string; size: number }, limits: ImageLimits): string | null {
  if (!limits.imageTypes.includes(file.type)) {
    const what = file.type.startsWith('image/') ? 'is an image type this server does not accept' : 'is not an image';
    return `“${file.name}” ${what}. Attach ${typeNames(limits.imageTypes)} files.`;
  }
  if (file.size > limits.maxImageBytes) {
    return `“${file.name}” is ${formatBytes(file.size)}; images can be at most ${formatBytes(limits.maxImageBytes)}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

let seq = 0;
export async function toAttachment(file: File): Promise<Attachment> {
  return { id: `a${++seq}`, name: file.name || 'pasted image', type: file.type, size: file.size, dataUrl: await readAsDataUrl(file) };
}

export interface DocumentLimits {
  maxDocumentBytes?: number;
  documentExtensions?: string[];
}

/** A document waiting in the composer; it is uploaded when the message is sent. */
export interface DocumentFile {
  id: string;
  name: string;
  size: number;
  file: File;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** True when the server takes documents and the file's extension is one of them. */
export function isDocument(file: { name: string }, limits: DocumentLimits): boolean {
  return !!limits.maxDocumentBytes && (limits.documentExtensions ?? []).includes(extensionOf(file.name));
}

/** A sentence explaining why the document can't be attached, or null when it can. (The server checks the content too.) */
export function validateDocument(file: { name: string; size: number }, limits: DocumentLimits): string | null {
  if (!isDocument(file, limits)) {
    return `“${file.name}” is not a document type this server reads. Attach text, Markdown, HTML, CSV, source code, DOCX or PDF files.`;
  }
  if (file.size > (limits.maxDocumentBytes ?? 0)) {
    return `“${file.name}” is ${formatBytes(file.size)}; documents can be at most ${formatBytes(limits.maxDocumentBytes ?? 0)}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

export function toDocumentFile(file: File): DocumentFile {
  return { id: `d${++seq}`, name: file.name, size: file.size, file };
}

/** "Read from: a.md (whole) · b.pdf (excerpts 2, 5 of 12)" — what a reply's context held. */
export function describeSources(sources: { name: string; whole: boolean; chunkCount: number; chunks: number[] }[]): string {
  const parts = sources.map((s) =>
    s.whole ? `${s.name} (whole)` : `${s.name} (${s.chunks.length === 1 ? 'excerpt' : 'excerpts'} ${s.chunks.join(', ')} of ${s.chunkCount})`,
  );
  return `Read from: ${parts.join(' · ')}`;
}
