// Mermaid diagrams for ```mermaid blocks, loaded on first use from /vendor/mermaid/ (Mermaid's own
// minified build, copied there by scripts/mermaid-vendor.ts rather than re-bundled).
// The SVG is shown through an <img> (a data: URL): an image document runs no script and
// its <style> is not the page's, so strict sanitising and a `style-src 'self'` CSP both hold.
// `securityLevel: 'strict'` makes Mermaid escape labels and drop click handlers; labels are
// SVG text (no HTML in foreignObject), which images can draw.
type MermaidApi = typeof import('mermaid').default;

let loading: Promise<MermaidApi> | null = null;
let theme: 'dark' | 'default' | null = null;
let counter = 0;

function load(): Promise<MermaidApi> {
  const url = '/vendor/mermaid/mermaid.esm.min.js';
  loading ??= (import(/* @vite-ignore */ url) as Promise<{ default: MermaidApi }>).then((m) => m.default);
  return loading;
}

function isDark(): boolean {
  const forced = document.documentElement.dataset.theme;
  if (forced) return forced === 'dark';
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** Mermaid source to an SVG document (throws Mermaid's own error for invalid source). */
export async function renderMermaidSvg(source: string): Promise<string> {
  const mermaid = await load();
  const wanted = isDark() ? 'dark' : 'default';
  if (theme !== wanted) {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: wanted,
      htmlLabels: false,
      maxTextSize: 50_000,
    });
    theme = wanted;
  }
  const { svg } = await mermaid.render(`mermaid-${++counter}`, source);
  return svg;
}

/** Replaces each pending ```mermaid block under `root` with its diagram; the source stays one click away. */
export async function hydrateMermaid(root: HTMLElement): Promise<void> {
  const blocks = [...root.querySelectorAll<HTMLElement>('.code-block[data-mermaid=pending]')];
  for (const block of blocks) {
    block.dataset.mermaid = 'rendering';
    const source = block.querySelector('code')?.textContent ?? '';
    try {
      const svg = await renderMermaidSvg(source);
      if (!block.isConnected) continue;
      const figure = document.createElement('figure');
      figure.className = 'mermaid-diagram';
      const img = document.createElement('img');
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      img.alt = `Diagram: ${source.trim().split('\n')[0].slice(0, 120)}`;
      figure.append(img);
      block.before(figure);
      block.dataset.mermaid = 'rendered';
    } catch (e) {
      block.dataset.mermaid = 'failed';
      block.title = `Mermaid could not draw this diagram: ${(e as Error).message}`;
    }
  }
}
