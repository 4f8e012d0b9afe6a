// Pure helpers for the API keys dialog: the create form's validation and how a key is described.
import type { ApiKey, NewKey } from '../api/keys';

export interface KeyForm {
  name: string;
  owner: string;
  models: string[];
  /** Comma- or space-separated model ids typed by hand. */
  extraModels: string;
  requestsPerMinute: string;
  dailyTokenLimit: string;
  maxConcurrentStreams: string;
  /** yyyy-mm-dd from a date input; the key expires at the end of that local day. */
  expires: string;
}

export const emptyKeyForm: KeyForm = {
  name: '', owner: '', models: [], extraModels: '', requestsPerMinute: '', dailyTokenLimit: '', maxConcurrentStreams: '', expires: '',
};

function positive(label: string, text: string): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${label} must be a whole number of at least 1.`);
  return n;
}

/** The POST /api/keys body, or an Error whose message says what to fix. */
export function toNewKey(form: KeyForm, now = new Date()): NewKey {
  const name = form.name.trim();
  if (!name) throw new Error('Give the key a name.');
  const body: NewKey = { name };
  if (form.owner.trim()) body.owner = form.owner.trim();
  const models = [...new Set([...form.models, ...form.extraModels.split(/[\s,]+/).filter(Boolean)])];
  if (models.length) body.models = models;
  const rpm = positive('Requests per minute', form.requestsPerMinute);
  const tokens = positive('Tokens per day', form.dailyTokenLimit);
  const streams = positive('Concurrent streams', form.maxConcurrentStreams);
  if (rpm !== undefined) body.requestsPerMinute = rpm;
  if (tokens !== undefined) body.dailyTokenLimit = tokens;
  if (streams !== undefined) body.maxConcurrentStreams = streams;
  if (form.expires) {
    const at = new Date(`${form.expires}T23:59:59`);
    if (Number.isNaN(at.getTime())) throw new Error('The expiry date is not a date.');
    if (at <= now) throw new Error('The expiry date must be in the future.');
    body.expiresAt = at.toISOString();
  }
  return body;
}

export type KeyState = 'active' | 'expired' | 'revoked';

export function keyState(key: ApiKey, now = new Date()): KeyState {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function describeLimits(key: ApiKey): string {
  const parts: string[] = [];
  if (key.requestsPerMinute != null) parts.push(`${key.requestsPerMinute.toLocaleString('en-US')}/min`);
  if (key.dailyTokenLimit != null) parts.push(`${key.dailyTokenLimit.toLocaleString('en-US')} tokens/day`);
  if (key.maxConcurrentStreams != null) parts.push(`${key.maxConcurrentStreams} streams`);
  return parts.length ? parts.join(' · ') : 'server defaults';
}

export function shortDate(iso: string | null | undefined, none = '—'): string {
  if (!iso) return none;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? none : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The list never keeps a secret, even if a create answer is merged into it. */
export function withoutSecret(key: ApiKey & { key?: string }): ApiKey {
  const { key: _secret, ...rest } = key;
  return rest;
}
