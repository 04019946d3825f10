// Vite build of the Strata page (React) into dist/. In `vite dev`, /proxy, /v2 and /api go to a running `strata serve`
// (STRATA_SERVE_URL, default http://127.0.0.1:8080) so the page talks to the same endpoints as in production.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const serveUrl = process.env.STRATA_SERVE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/proxy': { target: serveUrl, changeOrigin: false },
      '/v2': { target: serveUrl, changeOrigin: false },
      '/api': { target: serveUrl, changeOrigin: false },
    },
  },
});
