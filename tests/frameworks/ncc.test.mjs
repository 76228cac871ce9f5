// @vercel/ncc: `ncc build` compiles the server and its dependencies into dist/; dist and the app's
// package.json, deployed alone (no node_modules), serve the app.
import { describe, before, it } from 'node:test';
import { readdirSync, rmSync } from 'node:fs';
import { bin, dir, portable, run, serve, served, stage } from './harness.mjs';

describe('@vercel/ncc 0.45.0', () => {
  before(() => stage('ncc'));

  it('ncc build; dist/ alone serves the app', async (t) => {
    rmSync(dir('ncc', 'dist'), { recursive: true, force: true });
    await run(bin('ncc', 'ncc'), ['build', 'src/server.js', '-o', 'dist'], { cwd: dir('ncc') });
    const main = readdirSync(dir('ncc', 'dist')).find((f) => /^index\.m?js$/.test(f));
    const folder = portable([[dir('ncc', 'dist'), 'dist'], [dir('ncc', 'package.json'), 'package.json']]);
    try {
      await served(t, (port) => serve(process.execPath, [`dist/${main}`], { cwd: folder, env: { PORT: String(port) }, port }));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
