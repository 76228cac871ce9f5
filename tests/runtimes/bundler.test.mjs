// A bundler: esbuild bundles the app for the browser with its defaults (platform browser: conditions
// browser/import/default, no loader or plugin for asyntai-edge, nothing copied by hand), minified, as a
// classic script (IIFE: no top-level await, no import.meta); the bundle then runs in headless Chromium.
import { describe, before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startFakeApi } from '../js/fake-api.mjs';
import { scenario } from './scenario.mjs';
import { openApp } from './browser-harness.mjs';
import { HERE, esbuild, outDir } from './helpers.mjs';

describe('esbuild browser bundle (IIFE, minified) in Chromium', () => {
  const ctx = {};
  let app;
  let result;

  before(async () => {
    ctx.fake = await startFakeApi();
    const dir = outDir('bundler');
    result = await esbuild().build({
      entryPoints: [join(HERE, 'bundler', 'main.mjs')],
      outfile: join(dir, 'app.js'),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      minify: true,
      metafile: true,
      logLevel: 'silent',
    });
    const html = '<!doctype html>\n<meta charset="utf-8">\n<title>asyntai-edge bundled</title>\n<script src="/bundle/app.js"></script>';
    app = await openApp({ html, mounts: { '/bundle/': dir }, apiOrigin: ctx.fake.origin });
    ctx.apiUrl = `${app.origin}/api/v1/`;
    ctx.send = app.send;
  });

  after(async () => {
    await app?.close();
    await ctx.fake?.close();
  });

  it('builds without a warning, as one file, from the browser entries', () => {
    assert.deepEqual(result.warnings.map((w) => w.text), []);
    assert.deepEqual(Object.keys(result.metafile.outputs).map((f) => f.replace(/^.*\//, '')), ['app.js']);
    const inputs = Object.keys(result.metafile.inputs).filter((f) => f.includes('asyntai-edge/entries/'));
    assert.deepEqual(inputs.map((f) => f.replace(/^.*asyntai-edge\//, '')).sort(), [
      'entries/web/index.js', 'entries/web/testing.js', 'entries/web/webhooks.js',
    ]);
  });

  scenario(ctx, { browser: true });
});
