import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getConfig, mergeWarnings } from '../api/config';
import { Banner } from './Banner';

const redis = 'Redis is configured but unreachable (redis://127.0.0.1:6379/0); limits, the response cache and history use this instance\'s memory until it returns.';

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('Banner with server warnings', () => {
  it('reads warnings from /api/config and shows the Redis warning once next to /health\'s', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ name: 'Parley', warnings: [redis, 42] }), {
      status: 200, headers: { 'content-type': 'application/json' },
    })));
    const config = await getConfig();
    expect(config.warnings).toEqual([redis]);

    const warnings = mergeWarnings([redis], config.warnings);
    expect(warnings).toEqual([redis]);
    render(<Banner status={{ reachable: true, warnings, adminOnly: [] }} admin={false} />);
    expect(screen.getByTestId('banner').textContent).toContain('Redis is configured but unreachable');
  });

  it('shows nothing once the warning is gone', () => {
    const { container } = render(<Banner status={{ reachable: true, warnings: mergeWarnings([], []), adminOnly: [] }} admin />);
    expect(container.querySelector('[data-testid="banner"]')).toBeNull();
  });

  it('shows the no-provider warning to administrators only', () => {
    const mock = 'No LLM provider is configured, so replies come from the offline mock model.';
    const status = { reachable: true, warnings: [mock, redis], adminOnly: [mock] };
    const { rerender } = render(<Banner status={status} admin={false} />);
    expect(screen.getByTestId('banner').textContent).not.toContain('No LLM provider');
    expect(screen.getByTestId('banner').textContent).toContain('Redis');
    rerender(<Banner status={status} admin />);
    expect(screen.getByTestId('banner').textContent).toContain('No LLM provider');
    rerender(<Banner status={{ ...status, warnings: [mock] }} admin={false} />);
    expect(screen.queryByTestId('banner')).toBeNull();
  });
});
