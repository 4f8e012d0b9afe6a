// Markdown → safe HTML: marked (GFM) for parsing, highlight.js for code, DOMPurify last.
// Raw HTML in a reply is shown as text (as ChatGPT does), and DOMPurify still runs over
// everything, so `<script>`, `onerror=` and `javascript:` links can never become live.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { Marked, type Tokens } from 'marked';
import { renderImage } from './remoteImages';
import { mathExtension } from './math';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function highlight(code: string, lang: string): { html: string; label: string } {
  const language = lang && hljs.getLanguage(lang) ? lang : '';
  if (language) return { html: hljs.highlight(code, { language, ignoreIllegals: true }).value, label: lang };
  return { html: escapeHtml(code), label: lang || 'text' };
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const name = (lang ?? '').trim().split(/\s+/)[0] ?? '';
      const { html, label } = highlight(text.replace(/\n$/, ''), name.toLowerCase());
      return (
        `<div class="code-block"${name.toLowerCase() === 'mermaid' ? ' data-mermaid="pending"' : ''}><div class="code-head"><span class="code-lang">${escapeHtml(label)}</span>` +
        `<button type="button" class="code-copy" data-copy-code="1" aria-label="Copy code">Copy</button></div>` +
        `<pre><code class="hljs${name ? ` language-${escapeHtml(name)}` : ''}">${html}</code></pre></div>`
      );
    },
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    image: renderImage,
  },
});
marked.use(mathExtension);

const purifier = DOMPurify;
let hooked = false;
function ensureHooks(): void {
  if (hooked) return;
  hooked = true;
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/** Sanitises HTML with DOMPurify: no scripts, no event handlers, no javascript: URLs. */
export function sanitize(html: string): string {
  ensureHooks();
  return purifier.sanitize(html, {
    USE_PROFILES: { html: true, mathMl: true },
    // KaTeX's MathML keeps its TeX source in <annotation>, which the browser never draws (copy and screen readers use it).
    ADD_TAGS: ['semantics', 'annotation'],
    ADD_ATTR: ['target', 'data-mermaid', 'encoding'],
    FORBID_TAGS: ['style', 'form', 'iframe', 'object', 'embed', 'textarea', 'select', 'option'],
    FORBID_ATTR: ['style'],
  });
}

/** Markdown to sanitised HTML, safe for dangerouslySetInnerHTML. */
export function renderMarkdown(src: string): string {
  const html = marked.parse(src, { async: false }) as string;
  return sanitize(html);
}

/** Inline markdown (tool headers): no block elements. */
export function renderInlineMarkdown(src: string): string {
  return sanitize(marked.parseInline(src, { async: false }) as string);
}
