import { defineConfig } from 'vite';

// A Node server built by Vite's SSR build, every dependency bundled in (ssr.noExternal: true).
export default defineConfig({
  ssr: { noExternal: true },
  build: { ssr: 'src/server.js', outDir: 'dist' },
});
