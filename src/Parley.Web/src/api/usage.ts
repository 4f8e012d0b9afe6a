// /api/usage and /api/usage.csv: model calls grouped by day, model, owner or key.
import { getJson } from './http';

export type UsageGroupBy = 'day' | 'model' | 'owner' | 'key';

export interface UsageGroup {
  key: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: number | null;
  errors: number;
  cached: number;
  avgLatencyMs: number;
}

export interface UsageReport {
  groups: UsageGroup[];
  totals: Omit<UsageGroup, 'key'>;
}

export interface UsageQuery {
  groupBy: UsageGroupBy;
  /** yyyy-mm-dd, inclusive. */
  from: string;
  /** Only this owner's rows (an administrator's own view); absent: the server's scope for the caller. */
  owner?: string;
}

export function usageQueryString(q: UsageQuery): string {
  const p = new URLSearchParams({ groupBy: q.groupBy, from: q.from });
  if (q.owner) p.set('owner', q.owner);
  return p.toString();
}

export function getUsage(q: UsageQuery, signal?: AbortSignal): Promise<UsageReport> {
  return getJson<UsageReport>(`/api/usage?${usageQueryString(q)}`, { signal, cache: 'no-store' });
}

export function usageCsvUrl(q: UsageQuery): string {
  return `/api/usage.csv?${usageQueryString(q)}`;
}

/** The first day of a range of `days` days ending today (UTC), as yyyy-mm-dd. */
export function rangeStart(days: number, now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return d.toISOString().slice(0, 10);
}
