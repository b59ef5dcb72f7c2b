import { defineConfig } from 'vite';

// A static single-page app: dist/index.html plus hashed assets, served by server.mjs.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    port: 3000,
    proxy: { '/api': process.env.API_URL || 'http://127.0.0.1:8000' },
  },
});
