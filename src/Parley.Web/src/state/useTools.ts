// The server's tool list, fetched when a view that shows it opens (MCP tools come and go).
import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../api/http';
import { listTools, type ToolInfo } from '../api/tools';

export interface ToolsState {
  tools: ToolInfo[];
  loading: boolean;
  error: string | null;
  retry: () => void;
}

export function useTools(): ToolsState {
  const [tools, setTools] = useState<ToolInfo[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    listTools(ctl.signal)
      .then((t) => setTools(t))
      .catch((e: Error) => {
        if (e.name !== 'AbortError') setError((e as ApiError).message);
      })
      .finally(() => {
        if (!ctl.signal.aborted) setLoading(false);
      });
    return () => ctl.abort();
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { tools, loading, error, retry };
}
