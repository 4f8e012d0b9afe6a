import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ContextNote } from './ContextNote';

describe('ContextNote', () => {
  it('shows a collapsed summary that opens to the summary text', () => {
    const { container } = render(
      <ContextNote part={{ type: 'context_summary', text: 'Ada asked about <b>tea</b>.', model: 'mock/echo', throughMessageId: 'm_4', messageCount: 4 }} />,
    );
    const details = container.querySelector('details.context-summary') as HTMLDetailsElement;
    expect(details).not.toBeNull();
    expect(details.open).toBe(false);
    expect(container.querySelector('summary')?.textContent).toBe('Earlier messages summarised (4 messages)');
    expect(container.querySelector('summary')?.getAttribute('title')).toBe('Summarised by mock/echo');
    // Plain text, never markup from the model.
    expect(container.querySelector('.context-summary-text')?.textContent).toBe('Ada asked about <b>tea</b>.');
    expect(container.querySelector('.context-summary-text b')).toBeNull();
  });

  it('says so when the summary failed and the oldest messages were dropped', () => {
    render(<ContextNote part={{ type: 'context_trimmed', text: 'The earlier messages could not be summarised.', reason: 'provider_error' }} />);
    expect(screen.getByRole('note').textContent).toContain('could not be summarised');
  });
});
