import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ToolCard } from './ToolCard';

describe('ToolCard', () => {
  it('uses the default header and shows arguments and result', () => {
    const { container } = render(<ToolCard name="current_time" args={{ tz: 'UTC' }} result="12:00" running={false} headers={{}} />);
    expect(container.querySelector('.tool-title')?.textContent).toBe('Function call to current_time()');
    expect(container.textContent).toContain('"tz": "UTC"');
    expect(container.querySelector('.tool-result')?.textContent).toBe('12:00');
  });

  it('renders configured headers as sanitised markdown and shows the running state', () => {
    const { container } = render(
      <ToolCard name="web_search" args={{}} running headers={{ web_search: 'Searching the **web**...<img src=x onerror=alert(1)>' }} />,
    );
    expect(container.querySelector('.tool-title strong')?.textContent).toBe('web');
    expect(container.querySelector('.tool-title img')).toBeNull();
    expect(screen.getByRole('status', { name: 'Running' })).toBeDefined();
  });
});
