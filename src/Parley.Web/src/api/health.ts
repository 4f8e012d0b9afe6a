// /health: the server's own view of its state.
import { ApiError, friendlyMessage } from './http';

export interface Health {
  status: 'healthy' | 'degraded' | string;
  warnings?: string[];
  store?: { kind: string; healthy: boolean };
  defaultModel?: string;
  /** One of `warnings` that concerns only administrators (no real provider configured). */
  providerWarning?: string | null;
}

/** Health, also when the server answers 503 with a degraded body; throws ApiError('network') when unreachable. */
export async function getHealth(signal?: AbortSignal): Promise<Health> {
  let res: Response;
  try {
    res = await fetch('/health', { signal, cache: 'no-store', credentials: 'same-origin' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(friendlyMessage('network'), 0, 'network');
  }
  try {
    const body = (await res.json()) as Health;
    if (!res.ok && !body.warnings?.length) body.warnings = [`The server reports status ${body.status ?? res.status}.`];
    return body;
  } catch {
    return res.ok ? { status: 'healthy' } : { status: 'degraded', warnings: [`The server answered ${res.status}.`] };
  }
}
