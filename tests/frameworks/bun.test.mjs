// Bun (from npm: @oven/bun-linux-x64): the server run as source by `bun`, and bundled by
// `bun build --target=bun`, the bundle then run alone from a folder with no node_modules.
import { describe, before, it } from 'node:test';
import { rmSync } from 'node:fs';
import { BUN, dir, portable, run, serve, served, stage } from './harness.mjs';

describe('Bun 1.4.5', () => {
  before(() => stage('bun'));

  it('bun src/server.js (unbundled)', async (t) => {
    await served(t, (port) => serve(BUN, ['src/server.js'], { cwd: dir('bun'), env: { PORT: String(port) }, port }));
  });

  it('bun build --target=bun; dist/ alone serves the app', async (t) => {
    rmSync(dir('bun', 'dist'), { recursive: true, force: true });
    await run(BUN, ['build', '--target=bun', 'src/server.js', '--outdir', 'dist'], { cwd: dir('bun') });
    const folder = portable([[dir('bun', 'dist'), 'dist'], [dir('bun', 'package.json'), 'package.json']]);
    try {
      await served(t, (port) => serve(BUN, ['dist/server.js'], { cwd: folder, env: { PORT: String(port) }, port }));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
