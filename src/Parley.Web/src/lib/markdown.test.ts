import { describe, expect, it } from 'vitest';
import { renderInlineMarkdown, renderMarkdown, sanitize } from './markdown';

function dom(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

describe('renderMarkdown', () => {
  it('renders headings, lists, tables and inline code', () => {
    const d = dom(renderMarkdown('## Title\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nUse `x`.'));
    expect(d.querySelector('h2')?.textContent).toBe('Title');
    expect(d.querySelectorAll('li')).toHaveLength(2);
    expect(d.querySelector('table td')?.textContent).toBe('1');
    expect(d.querySelector('p code')?.textContent).toBe('x');
  });

  it('highlights fenced code with a language label and a copy button', () => {
    const d = dom(renderMarkdown('```python\ndef f():\n    return 1\n```'));
    expect(d.querySelector('.code-lang')?.textContent).toBe('python');
    expect(d.querySelector('button[data-copy-code]')).not.toBeNull();
    expect(d.querySelector('code.language-python .hljs-keyword')?.textContent).toBe('def');
    expect(d.querySelector('code')?.textContent).toBe('def f():\n    return 1');
  });

  it('labels unknown languages and escapes code', () => {
    const d = dom(renderMarkdown('```nosuchlang\n<b>x</b>\n```'));
    expect(d.querySelector('.code-lang')?.textContent).toBe('nosuchlang');
    expect(d.querySelector('code b')).toBeNull();
    expect(d.querySelector('code')?.textContent).toBe('<b>x</b>');
  });

  const payloads = [
    '<script>window.__xss=1</script>',
    '<img src=x onerror="window.__xss=2">',
    '[link](javascript:window.__xss=3)',
    '[l2](JaVaScRiPt:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '![img](x" onerror="alert(1))',
    '<details open ontoggle="alert(1)">',
  ];

  it.each(payloads)('renders %s inert', (payload) => {
    const html = renderMarkdown(`before ${payload} after`);
    const d = dom(html);
    expect(d.querySelector('script, iframe, svg, object, embed')).toBeNull();
    for (const el of Array.from(d.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        expect(attr.name.startsWith('on')).toBe(false);
        expect(/^\s*javascript:/i.test(attr.value)).toBe(false);
      }
    }
  });

  it('shows raw HTML as text rather than dropping it', () => {
    const d = dom(renderMarkdown('<script>window.__xss=1</script>'));
    expect(d.textContent).toContain('<script>window.__xss=1</script>');
  });

  it('opens links in a new tab without opener', () => {
    const a = dom(renderMarkdown('[site](https://example.com)')).querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.com');
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toContain('noopener');
  });

  it('sanitises raw HTML given to sanitize()', () => {
    const d = dom(sanitize('<b onclick="x()">ok</b><script>1</script><a href="javascript:1">l</a>'));
    expect(d.innerHTML).toBe('<b>ok</b><a>l</a>');
  });

  it('renders inline markdown for tool headers', () => {
    expect(renderInlineMarkdown('Searching the **web**...')).toBe('Searching the <strong>web</strong>...');
    expect(renderInlineMarkdown('<img src=x onerror=alert(1)>')).not.toContain('<img');
  });
});
