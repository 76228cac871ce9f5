// The sandbox's throughput: chat answers per second over 1,000 knowledge entries (about 80 words
// each), through the package as a test suite uses it: `MockAsyntai` from `asyntai-edge/testing`
// and `Asyntai` with `fetch: mock.fetch`, so each answer is a full client call (validation, request
// building, the sandbox's routing, auth, quota, BM25 retrieval over the chunks, the JSON answer, the
// client's JSON.parse). The data are those of the Rust bench in src/mock/tests.rs (the same
// generator, so the two figures compare): 5,000 pseudo-words, entries of 80 of them, questions of 3.
// Also: the time to load the 1,000 entries (knowledge.addText each).
// Run from bench/ (make bench): asyntai-edge resolves to the installed tarball.
import { performance } from 'node:perf_hooks';

const MASK = (1n << 64n) - 1n;
/** splitmix64's finalizer, as `mix` in src/mock/mod.rs. */
function mix(z) {
  z = (z + 0x9e3779b97f4a7c15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

/** The Rust bench's data: 1,000 entries of 80 words, 1,000 questions of 3 words. */
export function sandboxData() {
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${(mix(BigInt(i)) & 0xfffffn).toString(16)}`);
  let state = 1n;
  const pick = () => {
    state = mix(state);
    return vocab[Number(state % BigInt(vocab.length))];
  };
  const entries = [];
  for (let e = 0; e < 1000; e++) entries.push({ title: `Entry ${e}`, content: `${Array.from({ length: 80 }, pick).join(' ')}.` });
  const questions = [];
  for (let q = 0; q < 1000; q++) questions.push(`what about ${pick()} and ${pick()} or ${pick()}?`);
  return { entries, questions };
}

/**
 * @returns {Promise<{answersPerSecond: number, usPerAnswer: number, loadMs: number, grounded: number, rounds: number[]}>}
 *   medians over `rounds` rounds of `answers` answers each (after a warm-up)
 */
export async function benchSandbox({ rounds = 5, answers = 2000, lookup = (n) => import(n) } = {}) {
  const { Asyntai } = await lookup('asyntai-edge');
  const { MockAsyntai } = await lookup('asyntai-edge/testing');
  const mock = new MockAsyntai({
    apiKey: 'test_key',
    plan: 'pro',
    limits: { messagesPerMonth: Number.MAX_SAFE_INTEGER, uploadCharsPerDay: Number.MAX_SAFE_INTEGER },
  });
  const client = new Asyntai({ apiKey: 'test_key', fetch: mock.fetch, maxRetries: 0 });
  const { entries, questions } = sandboxData();

  const t0 = performance.now();
  for (const entry of entries) await client.knowledge.addText(entry);
  const loadMs = performance.now() - t0; // each addText threw on anything but success: 1,000 entries

  let i = 0;
  let grounded = 0;
  const ask = async () => {
    const r = await client.chat.send({ message: questions[i % questions.length], session_id: `s${i % 100}` });
    i++;
    if (typeof r.response !== 'string') throw new Error('a chat answer without `response`');
    if (!r.response.includes("I'm sorry")) grounded++;
  };
  for (let k = 0; k < Math.min(500, answers); k++) await ask(); // warm up (JIT, wasm tier-up)
  const perSecond = [];
  grounded = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let k = 0; k < answers; k++) await ask();
    perSecond.push(answers / ((performance.now() - start) / 1000));
  }
  if (grounded === 0) throw new Error('no chat answer came from the knowledge entries');
  const median = [...perSecond].sort((a, b) => a - b)[Math.floor(perSecond.length / 2)];
  return { answersPerSecond: median, usPerAnswer: 1e6 / median, loadMs, grounded: grounded / (rounds * answers), rounds: perSecond };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchSandbox();
  console.log(`sandbox chat over 1,000 knowledge entries (Node ${process.version}): ${Math.round(r.answersPerSecond)} answers/s `
    + `(${r.usPerAnswer.toFixed(0)} µs each, ${(r.grounded * 100).toFixed(0)}% grounded in an entry); `
    + `loading the 1,000 entries: ${r.loadMs.toFixed(0)} ms`);
}
