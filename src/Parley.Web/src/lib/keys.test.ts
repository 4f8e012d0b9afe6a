import { describe, expect, it } from 'vitest';
import type { ApiKey } from '../api/keys';
import { describeLimits, emptyKeyForm, keyState, toNewKey, withoutSecret } from './keys';

const now = new Date('2026-11-21T12:00:00Z');
const key: ApiKey = {
  id: 'k1', name: 'n', owner: 'alice', prefix: 'pk_ab', models: [], requestsPerMinute: null, dailyTokenLimit: null,
  maxConcurrentStreams: null, expiresAt: null, createdAt: '2026-11-01T00:00:00Z', lastUsedAt: null, revokedAt: null,
};

describe('toNewKey', () => {
  it('sends only what was filled in', () => {
    expect(toNewKey({ ...emptyKeyForm, name: '  ci  ' }, now)).toEqual({ name: 'ci' });
  });

  it('merges ticked and typed models without duplicates; parses limits and the expiry day', () => {
    const body = toNewKey({
      ...emptyKeyForm, name: 'x', owner: 'bob', models: ['mock/echo'], extraModels: 'openai/gpt-4o, mock/echo  anthropic/claude',
      requestsPerMinute: '10', dailyTokenLimit: '1000', maxConcurrentStreams: '2', expires: '2027-01-15',
    }, now);
    expect(body).toMatchObject({
      name: 'x', owner: 'bob', models: ['mock/echo', 'openai/gpt-4o', 'anthropic/claude'], requestsPerMinute: 10, dailyTokenLimit: 1000, maxConcurrentStreams: 2,
    });
    const at = new Date(body.expiresAt!);
    expect([at.getFullYear(), at.getMonth(), at.getDate(), at.getHours()]).toEqual([2027, 0, 15, 23]);
  });

  it('refuses a missing name, non-integer or zero limits and a past expiry', () => {
    expect(() => toNewKey({ ...emptyKeyForm }, now)).toThrow(/name/);
    expect(() => toNewKey({ ...emptyKeyForm, name: 'x', requestsPerMinute: '0' }, now)).toThrow(/Requests per minute/);
    expect(() => toNewKey({ ...emptyKeyForm, name: 'x', maxConcurrentStreams: 'two' }, now)).toThrow(/Concurrent streams/);
    expect(() => toNewKey({ ...emptyKeyForm, name: 'x', expires: '2026-11-20' }, now)).toThrow(/future/);
  });
});

describe('key display', () => {
  it('states: revoked wins over expired', () => {
    expect(keyState(key, now)).toBe('active');
    expect(keyState({ ...key, expiresAt: '2026-11-21T11:59:00Z' }, now)).toBe('expired');
    expect(keyState({ ...key, expiresAt: '2026-11-21T11:59:00Z', revokedAt: '2026-11-10T00:00:00Z' }, now)).toBe('revoked');
  });

  it('limits read as a sentence', () => {
    expect(describeLimits(key)).toBe('server defaults');
    expect(describeLimits({ ...key, requestsPerMinute: 60, dailyTokenLimit: 100000, maxConcurrentStreams: 3 })).toBe('60/min · 100,000 tokens/day · 3 streams');
  });

  it('withoutSecret drops the secret', () => {
    expect(withoutSecret({ ...key, key: 'pk_secret' })).toEqual(key);
  });
});
