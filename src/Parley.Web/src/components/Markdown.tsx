// A markdown block: parsed and sanitised (lib/markdown), with copy buttons on code blocks.
import { memo, useEffect, useMemo, useRef, type MouseEvent } from 'react';
import { copyText } from '../lib/format';
import { renderMarkdown } from '../lib/markdown';
import { onRemoteImageClick } from '../lib/remoteImages';
import '../styles/remote-images.css';
import { hydrateMermaid } from '../lib/mermaid';

function onCopyClick(e: MouseEvent<HTMLDivElement>) {
  if (onRemoteImageClick(e.target)) return;
  const btn = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-copy-code]');
  if (!btn) return;
  const code = btn.closest('.code-block')?.querySelector('code')?.textContent ?? '';
  void copyText(code).then((ok) => {
    btn.textContent = ok ? 'Copied' : 'Copy failed';
    window.setTimeout(() => (btn.textContent = 'Copy'), 1500);
  });
}

export const Markdown = memo(function Markdown({ text, className }: { text: string; className?: string }) {
  // renderMarkdown returns DOMPurify-sanitised HTML.
  const html = useMemo(() => renderMarkdown(text), [text]);
  const ref = useRef<HTMLDivElement>(null);
  const hasMermaid = html.includes('data-mermaid="pending"');
  // Diagrams are drawn once the text has settled (not on every streamed token).
  useEffect(() => {
    if (!hasMermaid) return;
    const t = window.setTimeout(() => ref.current && void hydrateMermaid(ref.current), 400);
    return () => window.clearTimeout(t);
  }, [html, hasMermaid]);
  return <div ref={ref} className={`markdown ${className ?? ''}`} onClick={onCopyClick} dangerouslySetInnerHTML={{ __html: html }} />;
});
