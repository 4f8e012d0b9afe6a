// API keys: the caller's own keys (or, in Administration, everyone's): create (secret shown once), revoke.
import { useCallback, useEffect, useState } from 'react';
import type { SessionUser } from '../api/auth';
import { createKey, listKeys, revokeKey, type ApiKey } from '../api/keys';
import type { ModelInfo } from '../api/models';
import { withoutSecret } from '../lib/keys';
import { Dialog } from './Dialog';
import { KeyCreateForm } from './KeyCreateForm';
import { KeyRow } from './KeyRow';
import { KeySecret } from './KeySecret';

interface Props {
  user: SessionUser;
  models: ModelInfo[];
  onClose: () => void;
}

export function KeysDialog({ user, models, onClose }: Props) {
  return (
    <Dialog title="API keys" onClose={onClose} wide>
      <KeysManager user={user} models={models} all={false} />
    </Dialog>
  );
}

/** `all`: every user's keys (administrators, in the Administration dialog). */
export function KeysManager({ user, models, all }: { user: SessionUser; models: ModelInfo[]; all: boolean }) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    setError(null);
    try {
      setKeys(await listKeys(all && user.isAdmin, signal));
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
    }
  }, [all, user.isAdmin]);

  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  return (
    <>
      <p className="muted small">
        Keys let programs use this server's APIs (<code>Authorization: Bearer pk_…</code>). A key acts as its owner.
      </p>
      {secret && <KeySecret name={secret.name} secret={secret.key} onDone={() => setSecret(null)} />}
      {creating ? (
        <KeyCreateForm models={models} isAdmin={user.isAdmin} self={user.name} onCancel={() => setCreating(false)}
          onCreate={async (body) => {
            const created = await createKey(body);
            setSecret({ name: created.name, key: created.key });
            setKeys((k) => [withoutSecret(created), ...(k ?? []).filter((x) => x.id !== created.id)]);
            setCreating(false);
          }} />
      ) : (
        <div className="row">
          <button type="button" className="btn sm primary" onClick={() => setCreating(true)}>New key</button>
        </div>
      )}
      {error && (
        <div className="failure" role="alert">
          <span>{error}</span>
          <button type="button" className="btn sm" onClick={() => void load()}>Retry</button>
        </div>
      )}
      {keys === null && !error && <p className="muted" aria-busy="true">Loading keys…</p>}
      {keys?.length === 0 && <p className="muted">No keys yet.</p>}
      {!!keys?.length && (
        <ul className="key-list" aria-label="Keys">
          {keys.map((k) => (
            <KeyRow key={k.id} item={k} showOwner={all || k.owner !== user.name}
              onRevoke={async () => {
                await revokeKey(k.id);
                await load();
              }} />
          ))}
        </ul>
      )}
    </>
  );
}
