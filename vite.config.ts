// Builds the renderer (renderer/index.html → dist/renderer). The same bundle is loaded by the
// Electron window (file://, hence base './') and served by headless mode, both under a strict CSP:
// no inline scripts or styles are emitted and nothing uses eval.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  clearScreen: false,
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    // The modulepreload polyfill would be inlined into index.html; Electron's Chromium and
    // Debian's both support modulepreload natively.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URIs into scripts or styles; plain files under 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod ships explanatory comments next to its @__PURE__ marks; Rollup only notes it drops them.
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
});
