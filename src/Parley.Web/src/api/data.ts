// Your data (/api/me/retention, DELETE /api/me/data) and, for administrators, the audit trail (/api/admin/audit).
import { getJson, jsonBody, send } from './http';

export interface Retention {
  /** The caller's own setting; null when none. */
  days: number | null;
  /** The server's Parley:Retention:ConversationDays; null when off. */
  deploymentDays: number | null;
  /** What applies to the caller's conversations; null when kept until deleted. */
  effectiveDays: number | null;
}

export interface DeletedData {
  conversations: number;
  messages: number;
  images: number;
  usageRecords: number;
  apiKeys: number;
  accountKept: boolean;
  message: string;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  viaKey: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | string;
  address: string | null;
  detail: string | null;
}

export interface AuditFilters {
  from?: string;
  to?: string;
  action?: string;
  actor?: string;
}

/** The words DELETE /api/me/data wants typed back. */
export const DELETE_CONFIRMATION = 'delete all my data';

export function getRetention(signal?: AbortSignal): Promise<Retention> {
  return getJson<Retention>('/api/me/retention', { signal, cache: 'no-store' });
}

export async function setRetention(days: number | null): Promise<Retention> {
  const res = await send('/api/me/retention', { method: 'PUT', ...jsonBody({ days }) });
  return (await res.json()) as Retention;
}

export async function deleteAllData(confirm: string): Promise<DeletedData> {
  const res = await send('/api/me/data', { method: 'DELETE', ...jsonBody({ confirm }) });
  return (await res.json()) as DeletedData;
}

/** The query string for the audit API: empty filters are left out; dates (yyyy-mm-dd) cover whole UTC days. */
export function auditQuery(filters: AuditFilters, cursor?: string | null, limit = 50): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (filters.from) q.set('from', `${filters.from}T00:00:00Z`);
  if (filters.to) {
    const end = new Date(`${filters.to}T00:00:00Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    q.set('to', end.toISOString());
  }
  if (filters.action?.trim()) q.set('action', filters.action.trim());
  if (filters.actor?.trim()) q.set('actor', filters.actor.trim());
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export function listAudit(filters: AuditFilters, cursor?: string | null, signal?: AbortSignal) {
  return getJson<{ items: AuditEvent[]; nextCursor: string | null }>(`/api/admin/audit?${auditQuery(filters, cursor)}`, { signal, cache: 'no-store' });
}
