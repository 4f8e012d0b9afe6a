import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rangeStart } from '../api/usage';
import { UsageView } from './UsageView';

const report = (key: string) => ({
  groups: [{ key, requests: 3, promptTokens: 1200, completionTokens: 34, totalTokens: 1234, cost: 0.5, errors: 0, cached: 0, avgLatencyMs: 10 }],
  totals: { requests: 3, promptTokens: 1200, completionTokens: 34, totalTokens: 1234, cost: 0.5, errors: 0, cached: 0, avgLatencyMs: 10 },
});

afterEach(() => vi.unstubAllGlobals());

describe('UsageView', () => {
  it('shows the server\'s groups and totals, regroups on request, and exports the same query as CSV', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      const groupBy = new URL(url, 'http://x').searchParams.get('groupBy')!;
      return new Response(JSON.stringify(report(groupBy === 'model' ? 'mock/echo' : '2026-12-05')), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }));
    render(<UsageView owner="ann" />);
    const row = await screen.findByRole('row', { name: /2026-12-05/ });
    expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['3', '1,200', '34', '1,234', '$0.50']);
    expect(urls[0]).toBe(`/api/usage?groupBy=day&from=${rangeStart(30)}&owner=ann`);
    expect(screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(`/api/usage.csv?groupBy=day&from=${rangeStart(30)}&owner=ann`);
    expect(screen.queryByRole('option', { name: 'User' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Group by'), { target: { value: 'model' } });
    await screen.findByRole('row', { name: /mock\/echo/ });
    expect(screen.getByTestId('usage-total').textContent).toContain('1,234');
  });

  it('offers user and key groupings to administrators and shows the server\'s refusal', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ code: 'invalid_request', detail: 'from must be before to.' }), { status: 400, headers: { 'Content-Type': 'application/json' } })));
    render(<UsageView everyone />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('from must be before to.'));
    expect(screen.getByRole('option', { name: 'User' })).toBeTruthy();
    expect(screen.getByRole('option', { name: 'API key' })).toBeTruthy();
  });
});
