// Mermaid ships a minified ES-module build split into ~100 lazily imported chunks. Re-bundling
// it took minutes per web build (≈1,700 modules); Parley serves that build as it is instead,
// under /vendor/mermaid/, loaded only when a reply contains a ```mermaid block. Files are
// renamed .mjs → .js (and the import specifiers with them) so every server sends them as
// JavaScript without a MIME mapping for .mjs.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const source = resolve(fileURLToPath(import.meta.url), '../../node_modules/mermaid/dist');
const ENTRY = 'mermaid.esm.min.mjs';
const CHUNKS = 'chunks/mermaid.esm.min';

function rewrite(code: string): string {
  return code.replace(/(["'][^"'\s]*?)\.mjs(["'])/g, '$1.js$2');
}

function files(): string[] {
  return [ENTRY, ...readdirSync(join(source, CHUNKS)).filter((f) => f.endsWith('.mjs')).map((f) => `${CHUNKS}/${f}`)];
}

export function mermaidVendor(): Plugin {
  return {
    name: 'parley-mermaid-vendor',
    configureServer(server) {
      server.middlewares.use('/vendor/mermaid/', (req, res, next) => {
        const name = (req.url ?? '').split('?')[0].replace(/^\//, '').replace(/\.js$/, '.mjs');
        if (!files().includes(name)) return next();
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.end(rewrite(readFileSync(join(source, name), 'utf8')));
      });
    },
    writeBundle(options) {
      const out = join(options.dir ?? 'dist', 'vendor/mermaid');
      for (const name of files()) {
        const target = join(out, name.replace(/\.mjs$/, '.js'));
        mkdirSync(resolve(target, '..'), { recursive: true });
        writeFileSync(target, rewrite(readFileSync(join(source, name), 'utf8')));
      }
    },
  };
}
