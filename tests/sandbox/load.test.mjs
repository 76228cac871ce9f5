// The sandbox server under load: 10,000 requests (SANDBOX_LOAD to change) from Node's own http
// client (not this package), over 8 kept-alive connections, a mix of every kind of answer: reads,
// chat messages, knowledge added and deleted, 400s, 404s, 401s. Memory of the server process at the
// start and end of the run, after a warm-up: RSS (from /proc) and the V8 heap after a full GC (the
// server runs with --expose-gc and reports on SIGUSR2). Prints the requests per second over loopback
// and the server's CPU time per request (what one core could serve, without the client beside it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startSandbox } from './harness.mjs';

const TOTAL = Number(process.env.SANDBOX_LOAD ?? 10_000);
const CONNECTIONS = 8;
const KEY = 'load_key';

/** RSS of a process in MB, from /proc (Linux). */
function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

/** CPU time a process has used, in ms (user + system, from /proc; clock ticks of 10 ms). */
function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime (fields 14 and 15 of stat)
}

/** The i-th request of the mix: [method, path, body, expected status]. */
function nth(i) {
  const auth = i % 97 === 13 ? 'Bearer wrong' : `Bearer ${KEY}`;
  switch (i % 10) {
    case 0: return ['POST', 'chat/', JSON.stringify({ message: `How do returns work? (${i})`, session_id: 'load-session' }), 200, auth];
    case 1: return ['GET', 'sessions/?limit=5&website_id=1', null, 200, auth];
    case 2: return ['GET', 'leads/?limit=5&since=2000-01-01', null, 200, auth];
    case 3: return ['GET', 'conversations/?session_id=load-session&limit=2', null, 200, auth];
    case 4: return ['GET', 'knowledge/?limit=10', null, 200, auth];
    case 5: return ['POST', 'knowledge/text/', JSON.stringify({ title: 'Temp', content: 'A temporary entry, soon deleted.', website_id: 1 }), 200, auth];
    case 6: return ['GET', 'tickets/?limit=5', null, 200, auth];
    case 7: return ['POST', 'chat/', '{"message":', 400, auth];
    case 8: return ['GET', 'nope/', null, 404, auth];
    default: return ['GET', 'account/', null, 200, auth];
  }
}

async function run(base, from, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = from;
  const end = from + count;
  const one = (method, path, body, auth) => new Promise((resolve, reject) => {
    const req = http.request(base + path, {
      method, agent,
      headers: { authorization: auth, 'content-type': 'application/json', 'user-agent': 'load-test/1.0' },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve([res.statusCode, Buffer.concat(chunks).toString()]));
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
  const worker = async () => {
    while (next < end) {
      const i = next++;
      const [method, path, body, expected, auth] = nth(i);
      const [status, text] = await one(method, path, body, auth);
      const want = auth === `Bearer ${KEY}` || expected === 404 ? expected : 401;
      assert.equal(status, want, `request ${i}: ${method} ${path}: ${text}`);
      const parsed = JSON.parse(text);
      assert.equal(parsed.success, status === 200);
      if (path === 'knowledge/text/' && status === 200) {
        // Knowledge does not pile up: each entry added is deleted at once.
        const [s] = await one('DELETE', `knowledge/${parsed.id}/`, null, `Bearer ${KEY}`);
        assert.equal(s, 200);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
}

describe('the sandbox server under load', () => {
  it(`${TOTAL} requests on ${CONNECTIONS} kept-alive connections: every answer right, memory flat`, async () => {
    const sb = await startSandbox(['--key', KEY, '--plan', 'pro', '--quiet'], { node: ['--expose-gc'] });
    try {
      const warm = 1_000;
      await run(sb.base, 0, 1); // request 0 starts the conversation the others read
      await run(sb.base, 1, warm);
      const start = await sb.stats();
      const rssStart = rssOf(sb.proc.pid);
      const cpuStart = cpuOf(sb.proc.pid);
      const t0 = performance.now();
      await run(sb.base, warm + 1, TOTAL);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuOf(sb.proc.pid) - cpuStart;
      const end = await sb.stats();
      const rssEnd = rssOf(sb.proc.pid);
      const served = end.requests - start.requests; // the run's requests and its knowledge deletions
      const line = `load: ${served} requests in ${seconds.toFixed(2)} s = ${Math.round(served / seconds)} requests/s `
        + `over loopback (${CONNECTIONS} connections; the client shares the machine), server CPU `
        + `${Math.round((cpu * 1000) / served)} us a request; server RSS ${rssStart.toFixed(1)} -> ${rssEnd.toFixed(1)} MB, `
        + `heap used after GC ${start.heap.toFixed(1)} -> ${end.heap.toFixed(1)} MB`;
      console.log(`# ${line}`);
      assert.ok(served >= TOTAL, line);
      // Flat: the state that does grow (one conversation of 2,000 messages) is well under a megabyte.
      assert.ok(end.heap - start.heap < 4, `heap grew: ${line}`);
      assert.ok(rssEnd - rssStart < 24, `RSS grew: ${line}`);
    } finally {
      assert.equal((await sb.stop()).code, 0);
    }
  });
});
