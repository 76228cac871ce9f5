// A browser: headless Chromium runs the app as native ES modules, unbundled: an import map points the
// package's names at the files its `exports` give for the `browser` condition, as a CDN or a no-build
// setup does. With dangerouslyAllowBrowser every call works; without it the constructor throws.
import { describe, before, after } from 'node:test';
import { join } from 'node:path';
import { startFakeApi } from '../js/fake-api.mjs';
import { scenario } from './scenario.mjs';
import { openApp, resolveExport } from './browser-harness.mjs';
import { APP, TESTS } from './helpers.mjs';

const PKG = join(TESTS, 'node_modules', 'asyntai-edge');

describe('Chromium (native ES modules, import map)', () => {
  const ctx = {};
  let app;

  before(async () => {
    ctx.fake = await startFakeApi();
    const imports = {};
    for (const sub of ['.', './webhooks', './testing']) {
      const file = resolveExport(PKG, sub, ['browser', 'import']);
      imports[`asyntai-edge${sub.slice(1)}`] = `/node_modules/asyntai-edge/${file.replace(/^\.\//, '')}`;
    }
    const html = `<!doctype html>
<meta charset="utf-8">
<title>asyntai-edge in a browser</title>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
  import app from '/app/handler.mjs';
  window.app = app;
  window.appReady = true;
</script>`;
    app = await openApp({ html, mounts: { '/node_modules/asyntai-edge/': PKG, '/app/': APP }, apiOrigin: ctx.fake.origin });
    ctx.apiUrl = `${app.origin}/api/v1/`;
    ctx.send = app.send;
  });

  after(async () => {
    await app?.close();
    await ctx.fake?.close();
  });

  scenario(ctx, { browser: true });
});
