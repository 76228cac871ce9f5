// Webhook verification at 1 KiB, 64 KiB and 1 MiB: asyntai-edge's Webhook (both entries) vs
// node:crypto's createHmac + timingSafeEqual, WebCrypto's crypto.subtle.verify (key imported once)
// and the standardwebhooks package (when installed), in one process. Two tables:
// - "signature check": the HMAC and the constant-time comparison only (our isValid());
// - "verify": the same plus JSON.parse of the body, which is what verify() returns.
// Prints medians over several rounds (µs per call) and each one's ratio to node:crypto.
// Run from bench/ (make bench): asyntai-edge resolves to the installed tarball, standardwebhooks to
// bench/node_modules.
import { performance } from 'node:perf_hooks';
import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SIZES = [['1 KiB', 1 << 10], ['64 KiB', 1 << 16], ['1 MiB', 1 << 20]];
const enc = new TextEncoder();

/** A webhook body of exactly `size` bytes (ASCII JSON). */
function bodyOf(size) {
  const head = '{"event":"message.received","payload":{"session_id":"sess_1","message":"';
  const tail = '"}}';
  return head + 'lorem ipsum '.repeat(size).slice(0, size - head.length - tail.length) + tail;
}

function measureSync(fn, iterations) {
  for (let i = 0; i < Math.max(50, iterations / 5); i++) fn(); // warm up (JIT, wasm tier-up)
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return ((performance.now() - t0) * 1e3) / iterations; // µs per call
}

async function measureAsync(fn, iterations) {
  for (let i = 0; i < Math.max(50, iterations / 5); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return ((performance.now() - t0) * 1e3) / iterations;
}

const hexToBytes = (hex) => Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
const check = (ok) => {
  if (ok !== true) throw new Error('a bench case failed to verify');
};

/** { [sizeLabel]: { check: {case: µs}, verify: {case: µs} } } */
export async function benchWebhook({ rounds = 7, budgetMs = 60, lookup = (n) => import(n) } = {}) {
  const { Webhook } = await lookup('asyntai-edge');
  const { Webhook: SmallWebhook } = await lookup('asyntai-edge/webhooks');
  const ours = new Webhook(SECRET);
  const small = new SmallWebhook(SECRET);
  const key = await webcrypto.subtle.importKey('raw', enc.encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  let sw = null;
  try {
    const { Webhook: StandardWebhook } = await lookup('standardwebhooks');
    // standardwebhooks keys are base64 after the whsec_ prefix; it signs `${id}.${timestamp}.${body}`.
    sw = new StandardWebhook(Buffer.from(SECRET).toString('base64'));
  } catch {
    sw = null;
  }

  const results = {};
  for (const [label, size] of SIZES) {
    const text = bodyOf(size);
    const bytes = enc.encode(text);
    const header = createHmac('sha256', SECRET).update(text).digest('hex');
    const nodeCheck = (body) => {
      const mac = createHmac('sha256', SECRET).update(body).digest();
      const sig = Buffer.from(header, 'hex');
      return sig.length === mac.length && timingSafeEqual(mac, sig);
    };
    const subtleCheck = (body) => webcrypto.subtle.verify('HMAC', key, hexToBytes(header), typeof body === 'string' ? enc.encode(body) : body);
    let swHeaders = null;
    if (sw) {
      const id = 'msg_bench';
      const now = new Date();
      swHeaders = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now / 1000)), 'webhook-signature': sw.sign(id, now, text) };
    }
    const sync = {
      check: {
        'asyntai-edge isValid (string)': () => check(ours.isValid(text, header)),
        'asyntai-edge isValid (Uint8Array)': () => check(ours.isValid(bytes, header)),
        'asyntai-edge/webhooks isValid (string)': () => check(small.isValid(text, header)),
        'asyntai-edge/webhooks isValid (Uint8Array)': () => check(small.isValid(bytes, header)),
        'node:crypto createHmac + timingSafeEqual': () => check(nodeCheck(text)),
        'standardwebhooks verify (no JSON.parse)': sw ? () => sw.verify(text, swHeaders, { jsonParse: false }) : null,
      },
      verify: {
        'asyntai-edge verify (string)': () => ours.verify(text, header),
        'asyntai-edge verify (Uint8Array)': () => ours.verify(bytes, header),
        'asyntai-edge/webhooks verify (string)': () => small.verify(text, header),
        'asyntai-edge/webhooks verify (Uint8Array)': () => small.verify(bytes, header),
        'node:crypto createHmac + timingSafeEqual': () => {
          check(nodeCheck(text));
          return JSON.parse(text);
        },
        'standardwebhooks verify': sw ? () => sw.verify(text, swHeaders) : null,
      },
    };
    const asyncCases = {
      check: { 'WebCrypto subtle.verify': async () => check(await subtleCheck(text)) },
      verify: {
        'WebCrypto subtle.verify': async () => {
          check(await subtleCheck(text));
          return JSON.parse(text);
        },
      },
    };
    // Iterations so that one sample takes about budgetMs, from a first timing of node:crypto.
    const t = measureSync(sync.check['node:crypto createHmac + timingSafeEqual'], 20);
    const iterations = Math.max(10, Math.round((budgetMs * 1e3) / t / 3));
    const samples = { check: {}, verify: {} };
    for (let r = 0; r < rounds; r++) {
      for (const table of ['check', 'verify']) {
        for (const [name, fn] of Object.entries(sync[table])) {
          (samples[table][name] ??= []).push(fn ? measureSync(fn, iterations) : null);
        }
        for (const [name, fn] of Object.entries(asyncCases[table])) {
          (samples[table][name] ??= []).push(await measureAsync(fn, iterations));
        }
      }
    }
    const median = (xs) => (xs.includes(null) ? null : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
    results[label] = Object.fromEntries(
      Object.entries(samples).map(([table, cases]) => [table, Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, median(v)]))]),
    );
  }
  return results;
}

export function formatWebhookBench(results) {
  const lines = [];
  const labels = Object.keys(results);
  for (const [table, title] of [['check', 'signature check only'], ['verify', 'verify: signature check + JSON.parse']]) {
    lines.push(`Webhook ${title}: median µs per call (ratio to node:crypto)`);
    const names = Object.keys(results[labels[0]][table]);
    const width = Math.max(...names.map((n) => n.length));
    lines.push(`  ${''.padEnd(width)}  ${labels.map((l) => l.padStart(18)).join('')}`);
    for (const name of names) {
      const cells = labels.map((l) => {
        const v = results[l][table][name];
        const base = results[l][table]['node:crypto createHmac + timingSafeEqual'];
        if (v == null) return 'n/a'.padStart(18);
        return `${v.toFixed(v < 10 ? 2 : 1)} (${(v / base).toFixed(2)}x)`.padStart(18);
      });
      lines.push(`  ${name.padEnd(width)}  ${cells.join('')}`);
    }
    lines.push('');
  }
  lines.push('Goals: asyntai-edge at most 1.5x node:crypto at 1 KiB, at most 3x at 64 KiB.');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatWebhookBench(await benchWebhook()));
}
