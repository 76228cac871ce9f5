// Cloudflare Workers: the app bundled as wrangler bundles it (esbuild, conditions workerd/worker/browser,
// .wasm kept as module imports), served by the real workerd from a capnp config.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startFakeApi } from '../js/fake-api.mjs';
import { scenario } from './scenario.mjs';
import { APP, HERE, TOOLS_BIN, WORKERS_BUILD, esbuild, httpSend, outDir, startProcess, stopProcess, wasmAsModules } from './helpers.mjs';

describe('workerd (Cloudflare Workers)', () => {
  const ctx = {};
  let workerd;

  before(async () => {
    ctx.fake = await startFakeApi();
    ctx.apiUrl = ctx.fake.url;
    const dir = outDir('workerd');
    const seen = new Map();
    await esbuild().build({
      entryPoints: [join(APP, 'handler.mjs')],
      outfile: join(dir, 'worker.js'),
      ...WORKERS_BUILD,
      plugins: [wasmAsModules(dir, seen)],
      logLevel: 'error',
    });
    assert.deepEqual([...seen.keys()].sort(), ['core.wasm', 'testing.wasm', 'webhooks.wasm'],
      'the bundle imports the three wasm modules config.capnp lists');
    workerd = await startProcess(join(TOOLS_BIN, 'workerd'), ['serve', join(HERE, 'workerd', 'config.capnp'), '--control-fd=3'], {
      controlFd: true,
      ready: (line) => {
        const msg = JSON.parse(line);
        return msg.event === 'listen' && msg.socket === 'http' && msg.port;
      },
    });
    ctx.send = httpSend(`http://127.0.0.1:${workerd.value}`);
  });

  after(async () => {
    await stopProcess(workerd?.child);
    await ctx.fake?.close();
  });

  scenario(ctx, { compiles: false });

  // In workerd a timer belongs to the request that made it and is cancelled when that request ends;
  // calls of two requests that start together share an AbortController (src/transport/fetch.rs), so
  // each must time out on a timer of its own.
  it('a call that shares its AbortController with a request that has ended still times out, on its own timer', async () => {
    const orphan = ctx.send('/orphan');
    const joiner = ctx.send('/joiner');
    assert.deepEqual((await orphan).json, { started: 1 });
    const res = await joiner;
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.shared, true, `the two calls did not share a controller (started too far apart?): ${JSON.stringify(res.json)}`);
    assert.equal(res.json.error, 'APITimeoutError', JSON.stringify(res.json));
    assert.ok(res.json.ms >= 3900 && res.json.ms < 8000, `timed out after ${res.json.ms} ms (timeout 4 s)`);
  });
});
