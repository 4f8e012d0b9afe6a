// A markdown block: parsed and sanitised (lib/markdown), with copy buttons on code blocks.
import { memo, useMemo, type MouseEvent } from 'react';
import { copyText } from '../lib/format';
import { renderMarkdown } from '../lib/markdown';
import { onRemoteImageClick } from '../lib/remoteImages';
import '../styles/remote-images.css';

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
  return <div className={`markdown ${className ?? ''}`} onClick={onCopyClick} dangerouslySetInnerHTML={{ __html: html }} />;
});
