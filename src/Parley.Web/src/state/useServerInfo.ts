// Server-wide facts: client config, models, and health (polled for the banner).
import { useCallback, useEffect, useState } from 'react';
import { defaultConfig, getConfig, mergeWarnings, type ClientConfig } from '../api/config';
import { getHealth } from '../api/health';
import { listModels, type ModelInfo } from '../api/models';

export interface ServerStatus {
  reachable: boolean;
  warnings: string[];
  /** Warnings only administrators see (and can act on). */
  adminOnly: string[];
}

const HEALTHY_POLL_MS = 30_000;
const UNREACHABLE_POLL_MS = 4_000;

export function useServerInfo() {
  const [config, setConfig] = useState<ClientConfig>(defaultConfig);
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [status, setStatus] = useState<ServerStatus>({ reachable: true, warnings: [], adminOnly: [] });

  const loadStatic = useCallback(async () => {
    const [c, m] = await Promise.allSettled([getConfig(), listModels()]);
    if (c.status === 'fulfilled') setConfig(c.value);
    if (m.status === 'fulfilled') setModels(m.value);
  }, []);

  useEffect(() => {
    void loadStatic();
  }, [loadStatic]);

  useEffect(() => {
    let timer = 0;
    let stopped = false;
    let wasReachable = true;
    const poll = async () => {
      let reachable = true;
      let warnings: string[] = [];
      let adminOnly: string[] = [];
      try {
        // /api/config carries warnings too (Redis unreachable); re-read with /health so they clear on recovery.
        const [h, c] = await Promise.all([getHealth(), getConfig().catch(() => null)]);
        warnings = mergeWarnings(h.warnings, c?.warnings);
        if (h.status === 'degraded' && !warnings.length) warnings = ['The server reports a degraded state.'];
        adminOnly = h.providerWarning ? [h.providerWarning] : [];
      } catch {
        reachable = false;
      }
      if (stopped) return;
      setStatus((s) => (s.reachable === reachable && s.warnings.join('\n') === warnings.join('\n') && s.adminOnly.join('\n') === adminOnly.join('\n')
        ? s : { reachable, warnings, adminOnly }));
      if (reachable && !wasReachable) void loadStatic();
      wasReachable = reachable;
      timer = window.setTimeout(poll, reachable ? HEALTHY_POLL_MS : UNREACHABLE_POLL_MS);
    };
    void poll();
    const onOnline = () => {
      window.clearTimeout(timer);
      void poll();
    };
    window.addEventListener('online', onOnline);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      window.removeEventListener('online', onOnline);
    };
  }, [loadStatic]);

  return { config, models, status };
}
