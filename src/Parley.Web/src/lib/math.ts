// TeX math for the markdown renderer: `$…$` and `\(…\)` inline, `$$…$$` and `\[…\]` as display,
// tokenised before marked's own escapes so backslashes (`\,`, `\(`) reach KaTeX intact.
// KaTeX writes MathML only: the browser lays it out natively, so there are no inline `style`
// attributes (a `style-src 'self'` CSP keeps working) and no font files to serve. `trust: false`
// keeps `\href`, `\url` and `\html*` inert; DOMPurify still runs over the result.
import katex from 'katex';
import type { MarkedExtension, TokenizerAndRendererExtension, Tokens } from 'marked';

interface MathToken extends Tokens.Generic {
  type: 'math';
  raw: string;
  text: string;
  display: boolean;
}

/** KaTeX to MathML; a formula KaTeX cannot parse shows as its source in a `.katex-error`. */
export function renderTex(tex: string, display: boolean): string {
  const html = katex.renderToString(tex, {
    displayMode: display,
    output: 'mathml',
    throwOnError: false,
    trust: false,
    strict: 'ignore',
    maxSize: 50,
    maxExpand: 1000,
  });
  return display ? `<span class="katex-display">${html}</span>` : html;
}

const BLOCK = /^ {0,3}(\$\$|\\\[)[ \t]*\n?([\s\S]+?)\n?[ \t]*(\$\$|\\\])[ \t]*(?:\n+|$)/;
const INLINE_DISPLAY = /^(\$\$|\\\[)([\s\S]+?)(\$\$|\\\])/;
const INLINE_PAREN = /^\\\(([\s\S]+?)\\\)/;
// Pandoc's rule: no space just inside the dollars, and no digit right after the closing one ("$5 and $10" stays text).
const INLINE_DOLLAR = /^\$(?![\s$])((?:\\[\s\S]|[^\\$\n`])+?)(?<!\s)\$(?!\d)/;

function closes(open: string, close: string): boolean {
  return (open === '$$' && close === '$$') || (open === '\\[' && close === '\\]');
}

const block: TokenizerAndRendererExtension = {
  name: 'math',
  level: 'block',
  start(src) {
    const m = /^ {0,3}(\$\$|\\\[)/m.exec(src);
    return m ? m.index : undefined;
  },
  tokenizer(src) {
    const m = BLOCK.exec(src);
    if (!m || !closes(m[1], m[3]) || !m[2].trim()) return undefined;
    return { type: 'math', raw: m[0], text: m[2].trim(), display: true } satisfies MathToken;
  },
  renderer(token) {
    const t = token as MathToken;
    return renderTex(t.text, t.display) + (t.display ? '\n' : '');
  },
};

const inline: TokenizerAndRendererExtension = {
  name: 'math',
  level: 'inline',
  start(src) {
    const m = /\$|\\\(|\\\[/.exec(src);
    return m ? m.index : undefined;
  },
  tokenizer(src) {
    const display = INLINE_DISPLAY.exec(src);
    if (display && closes(display[1], display[3]) && display[2].trim()) {
      return { type: 'math', raw: display[0], text: display[2].trim(), display: true } satisfies MathToken;
    }
    const paren = INLINE_PAREN.exec(src) ?? INLINE_DOLLAR.exec(src);
    if (paren && paren[1].trim()) return { type: 'math', raw: paren[0], text: paren[1].trim(), display: false } satisfies MathToken;
    return undefined;
  },
  renderer(token) {
    const t = token as MathToken;
    return renderTex(t.text, t.display);
  },
};

/** `marked.use(mathExtension)`. */
export const mathExtension: MarkedExtension = { extensions: [block, inline] };
