// One client call with a canned fetch inside workerd (Cloudflare Workers' runtime): asyntai-edge's
// websites.list() vs the hand-written fetch + JSON.parse + success check of bench/client.bench.mjs,
// and that same call with the usual timeout (an AbortController and a setTimeout per call; the
// client shares the controller between calls that start together, bench/steps.mjs does as it does). worker.js is bundled as wrangler bundles it (esbuild, conditions workerd/worker/browser,
// the .wasm kept as a module: the recipe of tests/runtimes/) and served by the pinned workerd from
// config.capnp on a free port. Each sample: GET /?case=<c>&n=<N> (N calls in one request) timed
// from here, minus a GET with n=0 (the HTTP round trip), over N. No clock of the worker's is
// trusted (on Cloudflare's edge it stops while a request does no I/O).
// Run: node bench/workerd/workerd.bench.mjs (asyntai-edge resolves from bench/node_modules).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { TOOLS_BIN, WORKERS_BUILD, esbuild, startProcess, stopProcess, wasmAsModules } from '../../tests/runtimes/helpers.mjs';
import { summary } from '../client.bench.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CASES = ['hand', 'hand-timeout', 'steps', 'asyntai-edge'];

/** Bundles worker.js into `dir` with the package's wasm, beside a copy of config.capnp. */
async function build(dir) {
  const seen = new Map();
  await esbuild().build({
    entryPoints: [join(HERE, 'worker.js')],
    outfile: join(dir, 'worker.js'),
    ...WORKERS_BUILD,

    minify: true,
    plugins: [wasmAsModules(dir, seen)],
    logLevel: 'error',
  });
  if ([...seen.keys()].join() !== 'core.wasm') throw new Error(`the bench worker imports ${[...seen.keys()]}, config.capnp lists core.wasm`);
  copyFileSync(join(HERE, 'config.capnp'), join(dir, 'config.capnp'));
}

/** One workerd process running `cases`: `rounds` samples per case, appended to `samples`. */
async function instance(dir, cases, rounds, calls, samples) {
  let workerd;
  try {
    workerd = await startProcess(join(TOOLS_BIN, 'workerd'), ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
      controlFd: true,
      ready: (line) => {
        const msg = JSON.parse(line);
        return msg.event === 'listen' && msg.socket === 'http' && msg.port;
      },
    });
    const base = `http://127.0.0.1:${workerd.value}/`;
    const get = async (c, n) => {
      const t0 = performance.now();
      const res = await fetch(`${base}?case=${encodeURIComponent(c)}&n=${n}`);
      const body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200 || body.calls !== n) throw new Error(`workerd bench: ${c} made ${body.calls} of ${n} calls (${res.status})`);
      return ms;
    };
    for (const c of cases) await get(c, 2000); // warm up (JIT, wasm tier-up)
    for (let r = 0; r < rounds; r++) {
      for (const c of r % 2 ? [...cases].reverse() : cases) { // no case always runs after the same one
        const empty = await get(c, 0);
        const full = await get(c, calls);
        samples[c].push(((full - empty) * 1e6) / calls);
      }
    }
  } finally {
    await stopProcess(workerd?.child);
  }
}

/**
 * Samples from `instances` fresh workerd processes per case (a process's JIT state moves its figures
 * by 10-20%), `rounds` each. Each case runs in a process of its own: in one isolate, a case's figure
 * moved with the garbage and the JIT state the others left (the bare call took 21 µs instead of 14
 * beside cases with a plain-object fetch; 2026-12-06), and all cases' figures moved with the phases of
 * the process's life, at different rounds for each. The processes of one instance run back to back,
 * in an order that alternates; a round's ratio compares the same round of each case's process.
 * @returns {Promise<{median: Record<string, number>, paired: (a: string, b: string) => number}>} median ns
 *   per call by case ('hand', 'hand-timeout', 'steps', 'asyntai-edge'); the median of a round's ratio
 */
export async function benchWorkerd({ instances = 6, rounds = 5, calls = 20000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'asyntai-bench-workerd-'));
  try {
    await build(dir);
    const samples = Object.fromEntries(CASES.map((c) => [c, []]));
    for (let i = 0; i < instances; i++) {
      for (const c of i % 2 ? [...CASES].reverse() : CASES) await instance(dir, [c], rounds, calls, samples);
    }
    return summary(samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { median, paired } = await benchWorkerd();
  for (const [c, ns] of Object.entries(median)) console.log(`workerd ${c}: ${(ns / 1000).toFixed(2)} µs/call`);
  console.log(`asyntai-edge / hand-written in workerd = ${paired('asyntai-edge', 'hand').toFixed(2)}x (goal <= 1.5x); `
    + `/ hand-written with a timeout = ${paired('asyntai-edge', 'hand-timeout').toFixed(2)}x`);
}
