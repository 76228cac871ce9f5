// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for browser.test.mjs and
// bundler.test.mjs. One origin serves the page, the files it loads and, under /api/v1/, a proxy to
// the fake API (a page's fetch to another origin would need CORS, which the real API does not send
// either: a real page calls its own backend).
import { createServer, request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { toolRequire } from './helpers.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json' };

/**
 * Starts the origin and the browser, opens `html` at `/`, waits until the page sets
 * `window.appReady = true` (after putting the app's fetch handler at `window.app`).
 * `mounts`: { '/prefix/': folder } served read-only. `apiOrigin`: the fake API's origin.
 * Returns { origin, send, page, close }; send(path, init) runs app.fetch() in the page.
 */
export async function openApp({ html, mounts, apiOrigin }) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/api/v1/')) return proxy(req, res, apiOrigin);
    if (url.pathname === '/') return send(res, 200, 'text/html', html);
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(url.pathname.slice(prefix.length))));
      if (!file.startsWith(dir + sep)) break;
      try {
        if (statSync(file).isFile()) return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
      } catch { /* 404 below */ }
    }
    send(res, 404, 'text/plain', 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const { chromium } = toolRequire('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'asyntai-chromium-'));
  let context;
  const close = async () => {
    await context?.close().catch(() => {});
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections?.();
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
    await page.goto(`${origin}/`);
    try {
      await page.waitForFunction(() => window.appReady === true, null, { timeout: 15_000 });
    } catch (err) {
      throw new Error(`the page did not load the app: ${problems.join('; ') || err.message}`);
    }
    return {
      origin,
      page,
      close,
      send: (path, init = {}) =>
        page.evaluate(async ([p, i]) => {
          const res = await window.app.fetch(new Request(location.origin + p, i));
          const text = await res.text();
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = { unparsed: text };
          }
          return { status: res.status, json };
        }, [path, init]),
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function proxy(req, res, apiOrigin) {
  const target = new URL(req.url, apiOrigin);
  const headers = { ...req.headers, host: target.host };
  const up = httpRequest(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

/**
 * The file a package.json `exports` map gives for `subpath` under `conditions` (Node's algorithm:
 * the first key, in the map's order, that is a given condition or "default").
 */
export function resolveExport(pkgDir, subpath, conditions) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  let target = pkg.exports[subpath];
  while (target && typeof target === 'object') {
    const key = Object.keys(target).find((k) => k === 'default' || conditions.includes(k));
    target = key === undefined ? undefined : target[key];
  }
  if (typeof target !== 'string') throw new Error(`no export ${subpath} for ${conditions.join(',')}`);
  return target;
}
