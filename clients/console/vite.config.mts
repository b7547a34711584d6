import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the gateway at /console/ (deploy/sites.ts); built files go to dist/
// (gitignored), named by content hash so the gateway can cache them for a year.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The strict CSP (gateway/http/staticSite.ts) allows no inline script: no inlined module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
