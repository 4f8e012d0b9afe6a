/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { mermaidVendor } from './scripts/mermaid-vendor';

// `npm run dev` proxies the API to a running Parley server (PARLEY_URL, default :5000).
const target = process.env.PARLEY_URL ?? 'http://127.0.0.1:5000';
const proxy = Object.fromEntries(['/api', '/v1', '/health'].map((p) => [p, { target, changeOrigin: false }]));

export default defineConfig({
  base: '/',
  plugins: [react(), mermaidVendor()],
  server: { proxy },
  preview: { proxy },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'], setupFiles: ['src/test-setup.ts'] },
});
