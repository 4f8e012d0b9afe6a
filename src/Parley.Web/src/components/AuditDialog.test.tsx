import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditQuery, type AuditEvent } from '../api/data';
import { AuditDialog } from './AuditDialog';

const event = (id: number, action: string, actor = 'admin', outcome = 'success'): AuditEvent => ({
  id, at: `2026-11-21T12:00:${String(id).padStart(2, '0')}Z`, actor, viaKey: null, action, target: `user:${actor}`, outcome, address: '127.0.0.1', detail: null,
});

function serve(pages: Record<string, { items: AuditEvent[]; nextCursor: string | null }>, fallback = { items: [] as AuditEvent[], nextCursor: null }) {
  const urls: string[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    urls.push(url);
    const q = new URL(url, 'http://x').searchParams;
    const key = q.get('cursor') ?? q.get('action') ?? q.get('actor') ?? '';
    if (url.includes('forbidden')) return new Response(JSON.stringify({ code: 'forbidden' }), { status: 403 });
    return new Response(JSON.stringify(pages[key] ?? fallback), { headers: { 'Content-Type': 'application/json' } });
  }));
  return urls;
}

afterEach(() => vi.unstubAllGlobals());

describe('Audit log', () => {
  it('lists events in a table, marks failures and loads more with the cursor', async () => {
    const urls = serve({
      '': { items: [event(3, 'auth.sign_in', 'anonymous', 'failure'), event(2, 'key.created')], nextCursor: '2' },
      '2': { items: [event(1, 'user.created')], nextCursor: null },
    });
    render(<AuditDialog onClose={vi.fn()} />);
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1].textContent).toContain('auth.sign_in');
    expect(rows[1].className).toBe('failed');
    expect(rows[2].className).toBe('');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Load more' })));
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(urls[1]).toContain('cursor=2');
  });

  it('sends the filters and shows when nothing matches', async () => {
    const urls = serve({ '': { items: [event(1, 'key.created')], nextCursor: null }, key: { items: [], nextCursor: null } });
    render(<AuditDialog onClose={vi.fn()} />);
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'key' } });
    fireEvent.change(screen.getByLabelText('Actor'), { target: { value: ' alice ' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-01' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Filter' })));
    expect(await screen.findByText('No events match.')).toBeTruthy();
    const q = new URL(urls.at(-1)!, 'http://x').searchParams;
    expect(q.get('action')).toBe('key');
    expect(q.get('actor')).toBe('alice');
    expect(q.get('from')).toBe('2026-11-01T00:00:00Z');
  });

  it('builds whole-day UTC ranges and leaves empty filters out', () => {
    expect(auditQuery({})).toBe('limit=50');
    const q = new URLSearchParams(auditQuery({ from: '2026-11-01', to: '2026-11-30', action: ' ', actor: '' }, 'c9', 10));
    expect(q.get('from')).toBe('2026-11-01T00:00:00Z');
    expect(q.get('to')).toBe('2026-12-01T00:00:00.000Z');
    expect(q.has('action')).toBe(false);
    expect(q.has('actor')).toBe(false);
    expect(q.get('cursor')).toBe('c9');
    expect(q.get('limit')).toBe('10');
  });
});
