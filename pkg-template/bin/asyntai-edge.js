#!/usr/bin/env node
// `npx asyntai-edge sandbox [--port 8787] [--host 127.0.0.1] [--key test_key] [--plan starter]
// [--seed FILE] [--quiet]`: the offline sandbox over HTTP at http://HOST:PORT/api/v1/, for clients in
// any language. Exit codes: 0 stopped by Ctrl-C or SIGTERM (or --help), 1 could not listen (port in
// use, address not available), 2 bad arguments or seed file.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = `usage: asyntai-edge sandbox [options]

Serves the offline Asyntai sandbox at http://HOST:PORT/api/v1/ for API clients in any language:
the whole API in memory (chat answered from its knowledge base, sessions, leads, tickets, webhooks
delivered signed to their URLs). Nothing leaves this machine except those deliveries.

options:
  --port N      port to listen on (default 8787; 0 picks a free one)
  --host H      address to listen on (default 127.0.0.1)
  --key K       the API key it accepts, as Bearer or X-API-Key (default test_key)
  --plan P      starter (default), standard, pro, or free (no API access: 403)
  --seed FILE   JSON: {"websites": [...], "knowledge": [...], "webhooks": [...]} to start with
  --quiet       no line per request
  -h, --help    this text

Stops on Ctrl-C or SIGTERM. Exit codes: 0 stopped, 1 could not listen, 2 bad arguments or seed file.`;

const PLANS = ['starter', 'standard', 'pro', 'free'];
const SEED_KEYS = ['websites', 'knowledge', 'webhooks'];

function die(message, code) {
  process.stderr.write(`asyntai-edge sandbox: ${message}\n`);
  process.exit(code);
}

function usageError(message) {
  die(`${message}\n\n${USAGE}`, 2);
}

/** The seed file's {websites, knowledge, webhooks}, or exit 2 with what is wrong in it. */
function readSeed(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    die(`seed file ${file}: cannot read it (${err.code === 'ENOENT' ? 'no such file' : err.code ?? err.message})`, 2);
  }
  let seed;
  try {
    seed = JSON.parse(text);
  } catch (err) {
    die(`seed file ${file}: not valid JSON (${err.message})`, 2);
  }
  if (seed === null || typeof seed !== 'object' || Array.isArray(seed)) {
    die(`seed file ${file}: must be a JSON object {"websites": [...], "knowledge": [...], "webhooks": [...]}`, 2);
  }
  for (const k of Object.keys(seed)) {
    if (!SEED_KEYS.includes(k)) die(`seed file ${file}: unknown key ${JSON.stringify(k)} (expected ${SEED_KEYS.join(', ')})`, 2);
  }
  return seed;
}

function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

async function sandbox(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        key: { type: 'string', default: 'test_key' },
        plan: { type: 'string', default: 'starter' },
        seed: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usageError(err.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) usageError(`--port must be 0 to 65535, got ${JSON.stringify(values.port)}`);
  if (!PLANS.includes(values.plan)) usageError(`--plan must be one of ${PLANS.join(', ')}, got ${JSON.stringify(values.plan)}`);
  if (values.key === '' || /[\s\u0000-\u001f\u007f]/.test(values.key)) usageError('--key must be a non-empty key without spaces or control characters');
  if (values.host === '') usageError('--host must not be empty');
  const seed = values.seed === undefined ? {} : readSeed(values.seed);

  // Loaded only now: --help and argument errors answer without compiling the wasm module.
  const { createSandboxServer } = await import('./sandbox.js');
  const log = values.quiet ? undefined : (line) => process.stdout.write(`${line}\n`);
  let made;
  try {
    made = createSandboxServer({ key: values.key, plan: values.plan, seed, log });
  } catch (err) {
    if (err?.name !== 'ValidationError') throw err;
    // `new MockAsyntai(): knowledge[0].content: ...` -> `knowledge[0].content: ...`
    const what = String(err.message).replace(/^new MockAsyntai\(\): /, '');
    die(values.seed === undefined ? what : `seed file ${values.seed}: ${what}`, 2);
  }
  const { server, stats } = made;

  server.on('error', (err) => {
    const where = `${values.host}:${values.port}`;
    const why = err.code === 'EADDRINUSE' ? `port ${values.port} on ${values.host} is already in use (another sandbox? pick another with --port, or --port 0 for a free one)`
      : err.code === 'EACCES' ? `no permission to listen on ${where} (ports below 1024 need privileges: use --port 8787)`
        : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? `cannot listen on ${where}: no such local address (try --host 127.0.0.1)`
          : `cannot listen on ${where}: ${err.message}`;
    die(why, 1);
  });
  server.listen(Number(values.port), values.host, () => {
    const { address, port } = server.address();
    const host = address.includes(':') ? `[${address}]` : address;
    const counts = seed.websites || seed.knowledge || seed.webhooks
      ? `; seed ${values.seed}: ${count(seed.websites?.length ?? 1, 'website', 'websites')}, `
        + `${count(seed.knowledge?.length ?? 0, 'knowledge entry', 'knowledge entries')}, ${count(seed.webhooks?.length ?? 0, 'webhook', 'webhooks')}`
      : '';
    process.stdout.write(
      `asyntai-edge sandbox: http://${host}:${port}/api/v1/\n`
      + `  key: ${values.key} (Authorization: Bearer ${values.key}); plan: ${values.plan}${counts}\n`
      + '  Ctrl-C to stop\n');
  });

  const memory = () => {
    const s = stats();
    const mb = (n) => (n / 1048576).toFixed(1);
    return `${count(s.requests, 'request', 'requests')} served; rss ${mb(s.rss)} MB, heap used ${mb(s.heapUsed)} MB, external ${mb(s.external)} MB`;
  };
  // `kill -USR2 <pid>`: the counts and memory, without stopping (after a full GC when node runs with
  // --expose-gc, so that heap figures compare).
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    process.stdout.write(`stats: ${memory()}\n`);
  });
  let stopping = false;
  const stop = (signal) => {
    if (stopping) process.exit(0); // a second Ctrl-C: at once
    stopping = true;
    process.stdout.write(`${signal}: stopping; ${memory()}\n`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Connections with a request in flight get a moment to finish, then are closed.
    setTimeout(() => server.closeAllConnections(), 1_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Under npx, a SIGTERM sent to npm alone is not passed on: npm exits and leaves the sandbox behind.
  // So when npm has gone (the parent process changed), stop as well.
  if (process.env.npm_command === 'exec') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop('npx exited');
    }, 250).unref();
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'sandbox') {
  await sandbox(rest);
} else if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
  process.stdout.write(`usage: asyntai-edge sandbox [--port 8787] [--host 127.0.0.1] [--key test_key] [--plan starter] [--seed FILE] [--quiet]\n`
    + 'Run `asyntai-edge sandbox --help` for details.\n');
  if (command === undefined) process.exitCode = 2;
} else {
  die(`unknown command ${JSON.stringify(command)}: the one command is \`sandbox\`\n\n${USAGE}`, 2);
}
