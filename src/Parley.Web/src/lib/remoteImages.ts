// Images in replies that live on other sites. Loading one sends a request the model chose, so a model steered
// by a page or document it read could leak the conversation in the URL (zero-click exfiltration). The server's
// Content-Security-Policy blocks such loads unless Parley:Security:RemoteImages allows them; here they become a
// placeholder instead: 'off' shows the address as a link, 'click' loads the image when asked, 'on' shows it.
import type { Tokens } from 'marked';

export type RemoteImageMode = 'off' | 'click' | 'on';

let mode: RemoteImageMode = 'off';

export function setRemoteImageMode(value: unknown): void {
  mode = value === 'click' || value === 'on' ? value : 'off';
}

export function getRemoteImageMode(): RemoteImageMode {
  return mode;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Same-origin paths and inline data stay images; everything else is remote. */
export function isRemote(href: string): boolean {
  const h = href.trim();
  if (/^data:image\//i.test(h) || /^blob:/i.test(h)) return false;
  if (h.startsWith('/') && !h.startsWith('//')) return false;
  return true;
}

function remoteUrl(href: string): URL | null {
  try {
    const url = new URL(href.trim(), window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** marked's image renderer: a placeholder for remote images (see the file comment). */
export function renderImage({ href, title, text }: Tokens.Image): string {
  const alt = escapeAttr(text ?? '');
  const titleAttr = title ? ` title="${escapeAttr(title)}"` : '';
  if (!isRemote(href ?? '')) return `<img src="${escapeAttr(href)}" alt="${alt}"${titleAttr}>`;
  const url = remoteUrl(href ?? '');
  if (!url) return `<span class="remote-image">${alt || 'image'}</span>`;
  if (mode === 'on') return `<img src="${escapeAttr(url.href)}" alt="${alt}"${titleAttr} referrerpolicy="no-referrer">`;
  const label = `Image${text ? ` “${alt}”` : ''} from ${escapeAttr(url.host)}`;
  const load = mode === 'click' ? ` <button type="button" class="remote-image-load" data-load-image="1">Load image</button>` : '';
  return (
    `<span class="remote-image" data-remote-src="${escapeAttr(url.href)}" data-remote-alt="${alt}">` +
    `<span class="remote-image-label">${label}</span>${load} <a href="${escapeAttr(url.href)}">Open</a></span>`
  );
}

/** Click delegate for rendered markdown: "Load image" replaces its placeholder with the image. True when handled. */
export function onRemoteImageClick(target: EventTarget | null): boolean {
  if (mode === 'off' || !(target instanceof Element)) return false;
  const button = target.closest('[data-load-image]');
  const holder = button?.closest<HTMLElement>('.remote-image');
  const url = holder ? remoteUrl(holder.dataset.remoteSrc ?? '') : null;
  if (!holder || !url) return false;
  const img = document.createElement('img');
  img.src = url.href;
  img.alt = holder.dataset.remoteAlt ?? '';
  img.setAttribute('referrerpolicy', 'no-referrer');
  holder.replaceWith(img);
  return true;
}
