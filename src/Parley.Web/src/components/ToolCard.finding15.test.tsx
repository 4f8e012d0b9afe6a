import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ToolCard } from './ToolCard';

// Finding 15: a tool call named `constructor` made the conversation unopenable
// ("marked(): input parameter is of type [object Function]").
describe('ToolCard with names of Object.prototype members (finding 15)', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`renders a tool named ${name}`, () => {
      const { container } = render(<ToolCard name={name} args={{}} result="ok" running={false} headers={{}} />);
      expect(container.querySelector('.tool-title')?.textContent).toBe(`Function call to ${name}()`);
    });
  }

  it('still uses a configured header for such a name', () => {
    const headers = JSON.parse('{"constructor":"Building **it**"}') as Record<string, string>;
    const { container } = render(<ToolCard name="constructor" args={{}} running={false} headers={headers} />);
    expect(container.querySelector('.tool-title strong')?.textContent).toBe('it');
  });
});
