import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

function dom(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

function tex(el: Element | null): string | null {
  return el?.querySelector('annotation[encoding="application/x-tex"]')?.textContent ?? null;
}

describe('math in markdown', () => {
  it('renders $…$ and \\(…\\) inline with backslashes intact', () => {
    const d = dom(renderMarkdown('Area $\\pi r^2\\,\\mathrm{m}$ and \\(a \\cdot b\\) here.'));
    const maths = d.querySelectorAll('p .katex');
    expect(maths).toHaveLength(2);
    expect(tex(maths[0])).toBe('\\pi r^2\\,\\mathrm{m}');
    expect(tex(maths[1])).toBe('a \\cdot b');
    expect(d.querySelector('p')?.textContent).toContain('here.');
    expect(d.querySelector('math[display=block]')).toBeNull();
  });

  it('renders $$…$$ and \\[…\\] as display math, on their own lines or inside a paragraph', () => {
    const d = dom(renderMarkdown('Before\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$\n\nand \\[E = mc^2\\] inline.\n\n\\[\n\\sum_{i=1}^n i\n\\]'));
    const blocks = d.querySelectorAll('.katex-display');
    expect(blocks).toHaveLength(3);
    expect(tex(blocks[0])).toBe('\\int_0^1 x\\,dx = \\frac{1}{2}');
    expect(tex(blocks[1])).toBe('E = mc^2');
    expect(tex(blocks[2])).toBe('\\sum_{i=1}^n i');
    expect(d.querySelectorAll('math[display=block]')).toHaveLength(3);
  });

  it('leaves prices, escaped dollars and code alone', () => {
    const d = dom(renderMarkdown('It costs $5 and $10 today, \\$x\\$ stays, and `$a$` is code.'));
    expect(d.querySelector('.katex')).toBeNull();
    expect(d.textContent).toContain('$5 and $10');
    expect(d.textContent).toContain('$x$');
    expect(d.querySelector('code')?.textContent).toBe('$a$');
  });

  it('keeps math inside fenced code as text', () => {
    const d = dom(renderMarkdown('```\n$x^2$ \\(y\\)\n```'));
    expect(d.querySelector('.katex')).toBeNull();
    expect(d.querySelector('code')?.textContent).toBe('$x^2$ \\(y\\)');
  });

  it('cannot inject markup, links or styles', () => {
    const d = dom(renderMarkdown('$\\href{javascript:alert(1)}{x}$ $<img src=x onerror=alert(1)>$ $\\htmlStyle{color:red}{y}$ \\(\\url{javascript:alert(2)}\\)'));
    expect(d.querySelector('img')).toBeNull();
    expect(d.querySelector('a')).toBeNull();
    expect(d.querySelector('[style]')).toBeNull();
    expect(d.querySelector('[onerror]')).toBeNull();
    expect(d.innerHTML).not.toMatch(/href="javascript/i);
  });

  it('shows a formula KaTeX cannot parse as its source, without breaking the rest', () => {
    const d = dom(renderMarkdown('Bad $\\frac{1}{$ then **bold**.'));
    expect(d.querySelector('strong')?.textContent).toBe('bold');
  });

  it('marks ```mermaid blocks for the diagram renderer and keeps their source', () => {
    const d = dom(renderMarkdown('```mermaid\ngraph TD; A-->B\n```'));
    const block = d.querySelector('.code-block[data-mermaid=pending]');
    expect(block).not.toBeNull();
    expect(block?.querySelector('code')?.textContent).toBe('graph TD; A-->B');
  });
});
