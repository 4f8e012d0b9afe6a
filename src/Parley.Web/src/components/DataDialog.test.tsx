import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataDialog } from './DataDialog';

interface Call { method: string; url: string; body: unknown }

/** A tiny /api/me server: retention kept in memory, deletion answering counts. */
function serve(initial: { days: number | null; deploymentDays: number | null }) {
  const state = { ...initial };
  const calls: Call[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const view = () => ({ ...state, effectiveDays: state.days != null && state.deploymentDays != null ? Math.min(state.days, state.deploymentDays) : state.days ?? state.deploymentDays });
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    if (url === '/api/me/retention' && method === 'GET') return json(view());
    if (url === '/api/me/retention' && method === 'PUT') {
      const days = (body as { days: number | null }).days;
      if (days != null && state.deploymentDays != null && days > state.deploymentDays)
        return json({ code: 'invalid_request', detail: `days must be between 1 and ${state.deploymentDays}` }, 400);
      state.days = days;
      return json(view());
    }
    if (url === '/api/me/data' && method === 'DELETE') {
      if ((body as { confirm?: string })?.confirm?.toLowerCase() !== 'delete all my data') return json({ code: 'confirmation_required', detail: 'Type it.' }, 400);
      return json({ conversations: 3, messages: 12, images: 2, usageRecords: 9, apiKeys: 1, accountKept: true, message: 'Deleted.' });
    }
    return json({ code: 'not_found' }, 404);
  }));
  return { calls, state };
}

afterEach(() => vi.unstubAllGlobals());

describe('Your data dialog', () => {
  it('shows the retention that applies and saves a shorter own period', async () => {
    const { calls, state } = serve({ days: null, deploymentDays: 30 });
    render(<DataDialog onClose={vi.fn()} />);
    expect(await screen.findByText(/deleted 30 days after their last message/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Delete my conversations after (days)'), { target: { value: '7' } });
    await act(async () => fireEvent.click(within(screen.getByRole('form', { name: 'Retention' })).getByRole('button', { name: 'Save' })));
    await screen.findByRole('status');
    expect(state.days).toBe(7);
    expect(calls.at(-1)).toEqual({ method: 'PUT', url: '/api/me/retention', body: { days: 7 } });
    expect(screen.getByText(/deleted 7 days after/)).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Clear' })));
    await waitFor(() => expect(state.days).toBeNull());
  });

  it('refuses more days than the server keeps without calling it, and shows the server\'s own refusals', async () => {
    const { calls } = serve({ days: null, deploymentDays: 30 });
    render(<DataDialog onClose={vi.fn()} />);
    await screen.findByText(/30 days/);
    fireEvent.change(screen.getByLabelText('Delete my conversations after (days)'), { target: { value: '45' } });
    fireEvent.click(within(screen.getByRole('form', { name: 'Retention' })).getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toContain('from 1 to 30');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });

  it('says conversations are kept when neither the server nor the user set a period', async () => {
    serve({ days: null, deploymentDays: null });
    render(<DataDialog onClose={vi.fn()} />);
    expect(await screen.findByText('Your conversations are kept until you delete them.')).toBeTruthy();
  });

  it('deletes everything only after the confirmation is typed, then shows what was removed', async () => {
    const { calls } = serve({ days: null, deploymentDays: null });
    render(<DataDialog onClose={vi.fn()} />);
    const form = screen.getByRole('form', { name: 'Delete all my data' });
    const button = within(form).getByRole('button', { name: 'Delete everything' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(within(form).getByLabelText(/to confirm/), { target: { value: 'delete all my' } });
    expect(button.disabled).toBe(true);
    fireEvent.change(within(form).getByLabelText(/to confirm/), { target: { value: 'Delete all my data' } });
    expect(button.disabled).toBe(false);
    await act(async () => fireEvent.click(button));
    const status = await screen.findByText(/Deleted 3 conversations, 12 messages, 2 images/);
    expect(status.textContent).toContain('9 usage records and 1 API keys');
    expect(calls.find((c) => c.method === 'DELETE')).toEqual({ method: 'DELETE', url: '/api/me/data', body: { confirm: 'Delete all my data' } });
    expect(screen.getByText(/Your account itself stays/)).toBeTruthy();
  });
});
