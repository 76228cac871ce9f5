// `make serve`: the www-example worker in workerd, left running for a person with a browser.
//
//   node scripts/serve.mjs [--port 8787] [--host 127.0.0.1]      (PORT=... works too)
//
// Without ASYNTAI_API_KEY in the environment the worker runs on the offline sandbox; with it, on the
// real API (set ASYNTAI_WEBHOOK_SECRET too, to receive its webhooks). Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { startExample } from '../www-example/workerd.mjs';

const { values } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port ?? process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: bad port ${values.port ?? process.env.PORT}`);
  process.exit(2);
}

let app;
try {
  app = await startExample({ port, host: values.host, bindings: 'inherit', inheritOutput: true });
} catch (err) {
  console.error(`serve: ${err.message}`);
  if (port !== 0) console.error(`(is something else listening on ${values.host}:${port}? try: make serve PORT=8788)`);
  process.exit(1);
}
const live = Boolean(process.env.ASYNTAI_API_KEY && process.env.ASYNTAI_API_KEY.trim());
console.log(`\nThe example is running at ${app.url}/`);
console.log(live
  ? '  mode: live (ASYNTAI_API_KEY is set: the worker calls the Asyntai API)'
  : '  mode: sandbox (no ASYNTAI_API_KEY: an in-memory Asyntai inside the worker, no network)');
console.log('  Ctrl-C to stop.\n');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    process.exit(0);
  });
}
const { code, signal } = await app.exited;
// Ctrl-C in a terminal reaches workerd too: its exit on SIGINT/SIGTERM is a normal stop.
if (!stopping && signal !== 'SIGINT' && signal !== 'SIGTERM') {
  console.error(`serve: workerd exited (${signal ?? `code ${code}`})`);
  process.exit(1);
}
