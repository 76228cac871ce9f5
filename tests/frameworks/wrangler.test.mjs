// wrangler (Node 22): `wrangler dev` serves the Worker locally (workerd), and `wrangler deploy
// --dry-run --outdir` writes what would be uploaded, which workerd then serves from a config that
// lists exactly those files as the Worker's modules.
import { describe, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { NODE22, bin, dir, freePort, run, serve, served, stage } from './harness.mjs';

const PROJECT = 'wrangler';

describe('wrangler 4.164.0', () => {
  before(() => stage(PROJECT));

  it('wrangler dev', async (t) => {
    const inspector = await freePort();
    await served(t, (port) => serve(bin(PROJECT, 'wrangler'),
      ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)],
      { cwd: dir(PROJECT), env: NODE22, port, timeout: 120_000 }));
  });

  it('wrangler deploy --dry-run --outdir; the output served by workerd', async (t) => {
    const out = dir(PROJECT, 'dist');
    rmSync(out, { recursive: true, force: true });
    await run(bin(PROJECT, 'wrangler'), ['deploy', '--dry-run', '--outdir', 'dist'], { cwd: dir(PROJECT), env: NODE22 });
    const files = readdirSync(out).filter((f) => !f.endsWith('.map') && f !== 'README.md');
    const wasm = files.filter((f) => f.endsWith('.wasm'));
    assert.deepEqual(files.filter((f) => f.endsWith('.js')), ['index.js'], `the upload: ${files}`);
    assert.equal(wasm.length, 3, `three wasm modules in the upload: ${files}`);
    const { compatibility_date: date } = JSON.parse(readFileSync(dir(PROJECT, 'wrangler.jsonc'), 'utf8'));
    await served(t, (port) => {
      const modules = [`(name = "index.js", esModule = embed "index.js")`, ...wasm.map((f) => `(name = "${f}", wasm = embed "${f}")`)];
      writeFileSync(`${out}/config.capnp`, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = (modules = [${modules.join(', ')}], compatibilityDate = "${date}"))],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
`);
      return serve(bin(PROJECT, 'workerd'), ['serve', 'config.capnp'], { cwd: out, port });
    });
  });
});
