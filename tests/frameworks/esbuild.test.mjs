// esbuild for Node (`--bundle --platform=node`), as CommonJS (its default) and as ESM: each bundle
// must hold everything, so it runs alone from a folder with no node_modules.
import { describe, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bin, dir, portable, run, serve, served, stage } from './harness.mjs';

describe('esbuild --bundle --platform=node (esbuild 0.28.2)', () => {
  before(() => stage('esbuild'));

  for (const [format, args, file] of [['cjs (the default)', [], 'server.cjs'], ['esm', ['--format=esm'], 'server.mjs']]) {
    it(`${format}: builds with no warning; the bundle alone serves the app`, async (t) => {
      const { output } = await run(bin('esbuild', 'esbuild'),
        ['src/server.js', '--bundle', '--platform=node', ...args, `--outfile=dist/${file}`], { cwd: dir('esbuild') });
      assert.doesNotMatch(output, /warning|import\.meta/i, output);
      const folder = portable([[dir('esbuild', 'dist', file), file]]);
      try {
        await served(t, (port) => serve(process.execPath, [file], { cwd: folder, env: { PORT: String(port) }, port }));
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});
