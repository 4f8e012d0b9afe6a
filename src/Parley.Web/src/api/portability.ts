// Export (Parley JSON or Markdown) and import (Parley JSON or ChatGPT's conversations.json): /api/export, /api/import.
import { send } from './http';

export type ExportFormat = 'json' | 'markdown';

export interface ImportedConversation {
  id: string;
  sourceId: string;
  title: string;
  messages: number;
  newIds: boolean;
}

export interface ImportResult {
  format: 'parley' | 'chatgpt';
  imported: number;
  conversations: ImportedConversation[];
}

const enc = encodeURIComponent;

export function conversationExportPath(id: string, format: ExportFormat) {
  return `/api/conversations/${enc(id)}/export?format=${format}`;
}

export function allExportPath(format: ExportFormat) {
  return `/api/export?format=${format}`;
}

/** The file name the server suggests in Content-Disposition, or a fallback. */
export function fileNameOf(res: Response, fallback: string): string {
  const header = res.headers.get('Content-Disposition') ?? '';
  const match = /filename="?([^";]+)"?/i.exec(header);
  return match?.[1] ?? fallback;
}

/** Fetches an export (through the shared fetch wrapper, so errors become ApiError) and saves it as a download. */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await send(path);
  const blob = await res.blob();
  const name = fileNameOf(res, fallbackName);
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    URL.revokeObjectURL(url);
  }
  return name;
}

export function exportConversation(id: string, format: ExportFormat) {
  return download(conversationExportPath(id, format), `${id}.${format === 'json' ? 'json' : 'md'}`);
}

export function exportAll(format: ExportFormat = 'json') {
  return download(allExportPath(format), `parley-export.${format === 'json' ? 'json' : 'md'}`);
}

/** Uploads a Parley export or ChatGPT's conversations.json; the server detects which. */
export async function importFile(file: File): Promise<ImportResult> {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await send('/api/import', { method: 'POST', body: form, headers: { Accept: 'application/json' } });
  return (await res.json()) as ImportResult;
}
