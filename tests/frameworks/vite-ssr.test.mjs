// Vite's SSR build of a Node server with every dependency bundled in (`ssr.noExternal: true`):
// dist/ and the app's package.json, deployed alone (no node_modules), serve the app.
import { describe, before, it } from 'node:test';
import { rmSync } from 'node:fs';
import { bin, dir, portable, run, serve, served, stage } from './harness.mjs';

describe('Vite SSR, ssr.noExternal: true (vite 8.3.8)', () => {
  before(() => stage('vite-ssr'));

  it('vite build; dist/ alone serves the app', async (t) => {
    await run(bin('vite-ssr', 'vite'), ['build'], { cwd: dir('vite-ssr') });
    const folder = portable([[dir('vite-ssr', 'dist'), 'dist'], [dir('vite-ssr', 'package.json'), 'package.json']]);
    try {
      await served(t, (port) => serve(process.execPath, ['dist/server.js'], { cwd: folder, env: { PORT: String(port) }, port }));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
