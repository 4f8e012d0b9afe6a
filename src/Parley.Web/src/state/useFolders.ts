// The user's folders for the sidebar: load, create, rename, delete (its conversations move out, the list reloads).
import { useCallback, useEffect, useState } from 'react';
import * as api from '../api/folders';
import type { ApiError } from '../api/http';
import type { Folder } from '../api/types';

const byName = (a: Folder, b: Folder) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || (a.id < b.id ? -1 : 1);

export function useFolders(onConversationsMoved: () => void) {
  const [folders, setFolders] = useState<Folder[]>([]);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setFolders(await api.listFolders());
      setError(null);
    } catch (e) {
      setError((e as ApiError).message);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  /** The new folder, or null when the server refused it (its sentence is in `error`). */
  const create = useCallback(async (name: string): Promise<Folder | null> => {
    try {
      const folder = await api.createFolder(name);
      setFolders((list) => [...list, folder].sort(byName));
      setError(null);
      return folder;
    } catch (e) {
      setError((e as ApiError).message);
      return null;
    }
  }, []);

  const rename = useCallback(async (id: string, name: string) => {
    setFolders((list) => list.map((f) => (f.id === id ? { ...f, name } : f)).sort(byName));
    try {
      await api.renameFolder(id, name);
      setError(null);
    } catch (e) {
      setError((e as ApiError).message);
    }
    void refresh();
  }, [refresh]);

  const remove = useCallback(async (id: string) => {
    setFolders((list) => list.filter((f) => f.id !== id));
    try {
      await api.deleteFolder(id);
      setError(null);
    } catch (e) {
      setError((e as ApiError).message);
    }
    void refresh();
    onConversationsMoved();
  }, [refresh, onConversationsMoved]);

  return { folders, error, refresh, create, rename, remove };
}
