// `make demo`: the www-example worker in workerd, on the offline sandbox, driven over HTTP through a
// scripted scenario. Every step is checked; any failure (or 60 s without finishing) exits non-zero.
//
//   node scripts/demo.mjs      (after `make demo` built www-example/dist/)
import { createHmac } from 'node:crypto';
import { startExample } from '../www-example/workerd.mjs';

const TIME_LIMIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1'), dim = paint('2'), green = paint('32'), red = paint('31'), cyan = paint('36');

const started = performance.now();
const ms = (from) => `${Math.round(performance.now() - from)} ms`;
let app = null;
let step = 'starting';
let checks = 0;

class DemoFailure extends Error {}

function say(line = '') {
  console.log(line);
}
function check(ok, what, detail, { quiet = false } = {}) {
  if (!ok) throw new DemoFailure(`${what}${detail === undefined ? '' : `\n  got: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  checks += 1;
  if (!quiet) say(`   ${green('✓')} ${what}`);
}
function heading(n, title) {
  step = title;
  say();
  say(bold(`${n}. ${title}`));
}
function wrap(text, indent, width = 96) {
  const words = String(text).split(/\s+/);
  const lines = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent.length) { lines.push(line); line = w; } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

/** One HTTP call to the example; returns {status, body}. */
async function call(method, path, { json, headers = {}, raw } = {}) {
  const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  if (json !== undefined) { init.body = JSON.stringify(json); init.headers['content-type'] = 'application/json'; }
  if (raw !== undefined) init.body = raw;
  let res;
  try {
    res = await fetch(app.url + path, init);
  } catch (err) {
    throw new DemoFailure(`${method} ${path} failed: ${err.message}`);
  }
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, body };
}

async function chat(message, sessionId) {
  say(`   ${cyan('visitor  ›')} ${wrap(message, '              ')}`);
  const { status, body } = await call('POST', '/api/chat', { json: sessionId ? { message, session_id: sessionId } : { message } });
  check(status === 200 && typeof body.response === 'string', `POST /api/chat answered 200`, { status, body }, { quiet: true });
  say(`   ${cyan('assistant›')} ${wrap(body.response, '              ')}`);
  return body;
}

async function events() {
  const { status, body } = await call('GET', '/api/events');
  check(status === 200 && Array.isArray(body.events), 'GET /api/events answered', { status, body }, { quiet: true });
  return body;
}

function showEvents(list) {
  for (const e of list) {
    const p = e.payload ?? {};
    const detail = e.event === 'lead.captured' ? p.email ?? p.phone
      : e.event === 'message.received' ? `"${p.message}"`
      : e.event === 'escalation.requested' ? p.reason
      : p.session_id;
    say(`   ${dim('webhook')}  ${e.event.padEnd(22)} signature ${e.signature}…  ${e.verified ? green('verified') : red('NOT verified')}  ${dim(detail ?? '')}`);
  }
}

async function scenario() {
  say(bold('asyntai-edge demo') + dim(': the www-example worker in workerd, wired to the offline sandbox'));
  const t0 = performance.now();
  app = await startExample({ port: 0, bindings: 'sandbox' });
  say(`   workerd is serving the example at ${app.url} ${dim(`(ready in ${ms(t0)})`)}`);
  const info = await call('GET', '/api/info');
  check(info.status === 200 && info.body.mode === 'sandbox', 'the worker runs on the sandbox (no ASYNTAI_API_KEY)', info.body);
  const page = await fetch(app.url + '/', { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const html = await page.text();
  check(page.status === 200 && html.includes('<form') && !html.includes('test_key'), 'GET / serves the chat page, with no key in it');

  // 1. Knowledge: added through the sandbox's API, with its key, as a site owner adds it to Asyntai.
  heading(1, 'Knowledge added');
  const entry = {
    title: 'Gift cards',
    content: 'Harbor Lane gift cards come in $25, $50 and $100 and never expire. We email them within minutes, ' +
      'and they work online and in the café.',
  };
  say(`   ${dim('POST /sandbox/api/v1/knowledge/text/  (Authorization: Bearer test_key, the sandbox\'s key)')}`);
  say(`   "${entry.title}": ${wrap(entry.content, '   ')}`);
  const added = await call('POST', '/sandbox/api/v1/knowledge/text/', { json: entry, headers: { authorization: 'Bearer test_key' } });
  check(added.status === 200 && added.body.success === true && added.body.chunks_created >= 1,
    `entry ${added.body.id} created (${added.body.chunks_created} chunk${added.body.chunks_created === 1 ? '' : 's'})`, added);
  const noKey = await call('POST', '/sandbox/api/v1/knowledge/text/', { json: entry });
  check(noKey.status === 401, 'the same request without the key is refused (401)', noKey);
  const listed = await call('GET', '/sandbox/api/v1/knowledge/', { headers: { authorization: 'Bearer test_key' } });
  const titles = (listed.body.entries ?? []).map((e) => e.title);
  check(listed.status === 200 && titles.includes('Gift cards') && titles.includes('Opening hours'),
    `the knowledge base holds ${titles.length} entries: ${titles.join(', ')}`, listed.body);

  // 2. A visitor's question, answered from that knowledge, through the worker's own endpoint.
  heading(2, 'A question answered from the knowledge base');
  say(`   ${dim('POST /api/chat: what the page calls; the worker holds the key and calls client.chat.send()')}`);
  const first = await chat('Do you sell gift cards?');
  check(first.response.includes('never expire'), 'the answer comes from the "Gift cards" entry just added', first.response);
  const sessionId = first.session_id;
  check(typeof sessionId === 'string' && sessionId !== '', `a new session: ${sessionId}`, first);

  // 3. The webhooks the sandbox sent, signed, and the worker verified.
  heading(3, 'Signed webhooks received and verified');
  say(`   ${dim('The sandbox signs each delivery (X-Webhook-Signature: HMAC-SHA256 of the raw body, keyed with')}`);
  say(`   ${dim('the webhook\'s whsec_ secret); POST /webhooks/asyntai checks it with Webhook.verifyRequest().')}`);
  let ev = await events();
  showEvents(ev.events);
  const mine = (name) => ev.events.filter((e) => e.event === name && e.payload?.session_id === sessionId);
  check(mine('conversation.started').length === 1, 'conversation.started received for this session', ev.events.map((e) => e.event));
  const received = mine('message.received');
  check(received.length === 1 && received[0].payload.message === 'Do you sell gift cards?' && received[0].verified === true,
    'message.received received, its signature verified, carrying the visitor\'s message', received);

  // 4. More of the conversation: a lead, then a request for a human.
  heading(4, 'The conversation goes on: a lead, then a human');
  const second = await chat('Great. How long does shipping take? I am ana@example.org if you need me.', sessionId);
  check(second.session_id === sessionId && second.response.includes('2 to 4 working days'),
    'same session, answered from the "Shipping and delivery" entry', second);
  const third = await chat('Can I talk to a human about a wholesale order?', sessionId);
  check(/human|team/i.test(third.response), 'the assistant hands over to the team', third.response);
  const before = ev.events.length;
  ev = await events();
  const fresh = ev.events.slice(before);
  showEvents(fresh);
  const lead = mine('lead.captured');
  check(lead.length === 1 && lead[0].payload.email === 'ana@example.org', 'lead.captured received with the visitor\'s email', lead);
  check(mine('escalation.requested').length === 1, 'escalation.requested received', fresh.map((e) => e.event));
  check(ev.events.every((e) => e.verified === true), `all ${ev.events.length} events verified`, ev.events);

  // 5. A forged delivery: signed with the wrong secret, refused.
  heading(5, 'A forged webhook is refused');
  const forged = JSON.stringify({ event: 'lead.captured', payload: { email: 'mallory@example.net', session_id: sessionId } });
  const badSignature = createHmac('sha256', 'whsec_not_the_secret').update(forged).digest('hex');
  say(`   ${dim(`POST /webhooks/asyntai  X-Webhook-Signature: ${badSignature.slice(0, 12)}… (signed with another secret)`)}`);
  const refused = await call('POST', '/webhooks/asyntai', { raw: forged, headers: { 'content-type': 'application/json', 'x-webhook-signature': badSignature } });
  check(refused.status === 400 && refused.body.reason === 'signature_mismatch', `answered 400, reason ${refused.body.reason}`, refused);
  const unsigned = await call('POST', '/webhooks/asyntai', { raw: forged, headers: { 'content-type': 'application/json' } });
  check(unsigned.status === 400 && unsigned.body.reason === 'missing_signature', `unsigned: answered 400, reason ${unsigned.body.reason}`, unsigned);
  const after = await events();
  check(after.events.length === ev.events.length && after.rejected.count === 2, 'nothing recorded; 2 rejections counted', after);

  // 6. The conversation as the API keeps it.
  heading(6, 'The history');
  say(`   ${dim(`GET /api/history?session_id=${sessionId}  (client.conversations.list())`)}`);
  const hist = await call('GET', `/api/history?session_id=${encodeURIComponent(sessionId)}`);
  const msgs = hist.body.messages ?? [];
  for (const m of msgs) {
    const who = m.role === 'user' ? cyan('visitor  ') : cyan('assistant');
    say(`   ${dim(m.timestamp)}  ${who} ${wrap(m.content, ' '.repeat(35))}`);
  }
  check(hist.status === 200 && msgs.length === 6, 'six messages: three questions, three answers', hist.body);
  check(msgs.every((m, i) => m.role === (i % 2 === 0 ? 'user' : 'assistant')), 'in order, visitor and assistant in turn', msgs.map((m) => m.role));
  check(msgs[0].content === 'Do you sell gift cards?' && msgs[1].content === first.response, 'the first exchange as it happened', msgs.slice(0, 2));
}

const watchdog = setTimeout(async () => {
  say();
  say(red(`demo: FAILED: no result after ${TIME_LIMIT_MS / 1000} s (at "${step}")`));
  if (app) say(dim(app.log().trim()));
  if (app) await app.stop();
  process.exit(1);
}, TIME_LIMIT_MS);

let code = 0;
try {
  await scenario();
  say();
  say(green(bold(`demo: all ${checks} checks passed`)) + dim(` in ${ms(started)} (workerd, the example worker, the sandbox; no network)`));
} catch (err) {
  code = 1;
  say();
  say(red(`demo: FAILED at "${step}": ${err instanceof DemoFailure || !process.env.DEBUG ? err.message ?? err : err.stack ?? err}`));
  if (app && app.log().trim()) say(dim(`--- workerd output ---\n${app.log().trim()}`));
} finally {
  if (app) await app.stop();
  clearTimeout(watchdog);
}
process.exit(code);
