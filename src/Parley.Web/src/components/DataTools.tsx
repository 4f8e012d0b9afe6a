// Sidebar footer: export all my conversations, import a Parley export or ChatGPT's conversations.json.
import { useRef, useState } from 'react';
import { ApiError } from '../api/http';
import { exportAll, importFile } from '../api/portability';
import { plural } from '../lib/format';

interface Props {
  /** Called after a successful import so the conversation list can refresh. */
  onImported?: () => void;
}

type Status = { kind: 'busy' | 'ok' | 'error'; text: string } | null;

export function DataTools({ onImported }: Props) {
  const picker = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>(null);

  const fail = (e: unknown) => setStatus({ kind: 'error', text: e instanceof ApiError ? e.message : 'Something went wrong. Retry.' });

  const doExport = async () => {
    setStatus({ kind: 'busy', text: 'Exporting…' });
    try {
      const name = await exportAll('json');
      setStatus({ kind: 'ok', text: `Saved ${name}` });
    } catch (e) {
      fail(e);
    }
  };

  const doImport = async (file: File | undefined) => {
    if (!file) return;
    setStatus({ kind: 'busy', text: `Importing ${file.name}…` });
    try {
      const result = await importFile(file);
      const source = result.format === 'chatgpt' ? ' from ChatGPT' : '';
      setStatus({ kind: 'ok', text: `Imported ${plural(result.imported, 'conversation')}${source}.` });
      onImported?.();
    } catch (e) {
      fail(e);
    } finally {
      if (picker.current) picker.current.value = '';
    }
  };

  return (
    <div className="data-tools">
      <div className="data-tools-buttons">
        <button type="button" className="btn sm" onClick={() => void doExport()} disabled={status?.kind === 'busy'}
          title="Download all your conversations as Parley JSON">Export all</button>
        <button type="button" className="btn sm" onClick={() => picker.current?.click()} disabled={status?.kind === 'busy'}
          title="Import a Parley export or ChatGPT's conversations.json">Import…</button>
        <input ref={picker} type="file" accept=".json,application/json" hidden aria-label="Import file"
          onChange={(e) => void doImport(e.target.files?.[0])} />
      </div>
      {status && (
        <div className={`sidebar-note${status.kind === 'error' ? ' error' : ''}`} role={status.kind === 'error' ? 'alert' : 'status'}>
          {status.text}
        </div>
      )}
    </div>
  );
}
