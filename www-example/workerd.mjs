// Starts workerd with the built example (dist/, see build.mjs): used by `make demo`, `make serve` and
// the example's tests.
//
//   const app = await startExample({ port: 0 });   // 0: a free port, read back from workerd
//   await fetch(app.url + '/api/info');
//   await app.stop();
//
// workerd reports the port it bound on a control descriptor (--control-fd), so asking for port 0 has
// no race; the promise resolves once the page answers.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const CONFIG = join(here, 'workerd.capnp');
export const WORKERD = process.env.WORKERD || join(here, '..', 'tools', 'node_modules', '.bin', 'workerd');
const BINDINGS = ['ASYNTAI_API_KEY', 'ASYNTAI_WEBHOOK_SECRET', 'ASYNTAI_BASE_URL'];

/**
 * @param {object} [options]
 * @param {number} [options.port] 0 (default) for a free port
 * @param {string} [options.host] default 127.0.0.1
 * @param {'sandbox' | 'inherit'} [options.bindings] 'sandbox' (default): ASYNTAI_* variables are not
 *   passed to workerd, so the worker runs on the sandbox; 'inherit': they are (a key means the real API)
 * @param {Record<string, string>} [options.env] extra variables (e.g. ASYNTAI_BASE_URL for a fake API)
 * @param {boolean} [options.inheritOutput] let workerd write to this process's stdout/stderr
 * @param {number} [options.startTimeoutMs] default 20 s
 */
export async function startExample(options = {}) {
  const { port = 0, host = '127.0.0.1', bindings = 'sandbox', env = {}, inheritOutput = false, startTimeoutMs = 20_000 } = options;
  for (const file of ['dist/worker.js', 'dist/core.wasm', 'dist/testing.wasm']) {
    if (!existsSync(join(here, file))) throw new Error(`www-example/${file} is missing: build it first (make demo, or node www-example/build.mjs)`);
  }
  if (!existsSync(WORKERD)) throw new Error(`workerd not found at ${WORKERD}: run make (it installs the pinned tools)`);

  const childEnv = { ...process.env };
  if (bindings === 'sandbox') for (const name of BINDINGS) delete childEnv[name];
  Object.assign(childEnv, env);

  const child = spawn(WORKERD, ['serve', CONFIG, '--socket-addr', `http=${host}:${port}`, '--control-fd=3'], {
    env: childEnv,
    stdio: ['ignore', inheritOutput ? 'inherit' : 'pipe', inheritOutput ? 'inherit' : 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk) => { log = (log + chunk).slice(-20_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const failure = (why) => new Error(`${why}${log.trim() ? `\n--- workerd output ---\n${log.trim()}` : ''}`);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    const boundPort = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(failure(`workerd did not start listening within ${startTimeoutMs} ms`)), startTimeoutMs);
      let buffered = '';
      child.stdio[3].on('data', (chunk) => {
        buffered += chunk;
        for (let nl; (nl = buffered.indexOf('\n')) >= 0;) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          try {
            const msg = JSON.parse(line);
            if (msg.event === 'listen' && msg.socket === 'http') {
              clearTimeout(timer);
              resolve(msg.port);
            }
          } catch { /* not a control message */ }
        }
      });
      child.once('error', (err) => { clearTimeout(timer); reject(failure(`could not run ${WORKERD}: ${err.message}`)); });
      exited.then(({ code, signal }) => { clearTimeout(timer); reject(failure(`workerd exited (${signal ?? `code ${code}`}) before listening`)); });
    });
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
    // Listening is not serving yet: wait until the page answers.
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      try {
        const res = await fetch(url + '/', { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.ok) break;
        throw new Error(`GET / answered ${res.status}`);
      } catch (err) {
        if (child.exitCode !== null || child.signalCode !== null) throw failure('workerd exited while starting');
        if (Date.now() > deadline) throw failure(`the example did not answer at ${url}/: ${err.message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { url, port: boundPort, child, stop, exited, log: () => log };
  } catch (err) {
    await stop();
    throw err;
  }
}
