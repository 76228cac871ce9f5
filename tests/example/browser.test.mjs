// The example's chat page in a real browser: workerd serves www-example on the sandbox, Debian's
// Chromium (driven by playwright-core) types a question, and the grounded answer and the verified
// webhook events must appear. Saves tests/out/example.png.
//
//   make test-example      (builds the example, installs chromium when missing)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExample } from '../../www-example/workerd.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { chromium } = createRequire(join(root, 'tools', 'package.json'))('playwright-core');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = join(root, 'tests', 'out', 'example.png');
const UI_TIMEOUT = 15_000;

let app, context, profile;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (make test-example does it)`);
  app = await startExample({ port: 0, bindings: 'sandbox' });
  profile = await mkdtemp(join(tmpdir(), 'asyntai-example-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  });
});

after(async () => {
  await context?.close();
  await app?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

test('the chat page: a question, its grounded answer, the verified webhooks, the history', { timeout: 60_000 }, async () => {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  const requests = [];
  page.on('request', (req) => requests.push(req));

  await page.goto(app.url + '/');
  await page.locator('#mode', { hasText: 'Sandbox' }).waitFor();
  assert.equal(await page.title(), 'Harbor Lane Coffee · Help');
  assert.equal(await page.locator('#events li[data-event]').count(), 0, 'no events before the first message');

  // Type a question and send it with Enter.
  const question = 'When are you open on Sunday?';
  await page.locator('#input').fill(question);
  await page.locator('#input').press('Enter');
  await page.locator('.msg.user', { hasText: question }).waitFor();
  const answer = page.locator('.msg.assistant:not(.typing)').first();
  await answer.waitFor();
  // The seeded "Opening hours" entry (www-example/src/seed.js), word for word.
  assert.equal(await answer.textContent(),
    'Our café at 12 Harbor Lane is open Monday to Friday from 7 am to 6 pm, and Saturday and Sunday ' +
    'from 8 am to 4 pm. We close on public holidays.');
  const label = (await page.locator('#session-label').textContent()) ?? '';
  assert.match(label, /sess_[0-9a-f]+/, 'the page shows the session the API made');
  const sessionId = label.match(/sess_[0-9a-f]+/)[0];

  // The webhooks the sandbox delivered, verified by the worker, listed on the page (newest first).
  const received = page.locator('#events li[data-event="message.received"]');
  await received.waitFor();
  await page.locator('#events li[data-event="conversation.started"]').waitFor();
  assert.match(await received.textContent(), /✓ verified/);
  assert.match(await received.textContent(), /When are you open on Sunday\?/);
  assert.deepEqual(await page.locator('#events li[data-event]').evaluateAll((lis) => lis.map((li) => li.dataset.event)),
    ['message.received', 'conversation.started']);
  // The page's list is the worker's record, which holds exactly those two, for this session.
  const events = await (await fetch(app.url + '/api/events')).json();
  assert.deepEqual(events.events.map((e) => [e.event, e.payload.session_id, e.verified]),
    [['conversation.started', sessionId, true], ['message.received', sessionId, true]]);

  // A suggestion chip: asking for a human raises an escalation.
  await page.locator('.suggestions button', { hasText: 'talk to a human' }).click();
  await page.locator('#events li[data-event="escalation.requested"]').waitFor();
  await page.locator('.msg.assistant:not(.typing)').nth(1).waitFor();
  assert.match(await page.locator('.msg.assistant:not(.typing)').nth(1).textContent(), /member of our team/);

  // The page only ever talks to its own worker, and never sends a key.
  for (const req of requests) {
    assert.ok(req.url().startsWith(app.url + '/'), `request to ${req.url()}`);
    const headers = await req.allHeaders();
    assert.equal(headers.authorization, undefined, `no Authorization header on ${req.url()}`);
    assert.equal(headers['x-api-key'], undefined);
  }
  assert.ok(requests.some((r) => r.url() === app.url + '/api/chat' && r.method() === 'POST'));
  const html = await page.content();
  assert.ok(!html.includes('test_key') && !html.includes('whsec_'), 'no key or secret in the page');

  await mkdir(join(root, 'tests', 'out'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  // A reload restores the conversation from /api/history.
  await page.reload();
  await page.locator('.msg.assistant:not(.typing)').nth(1).waitFor();
  assert.deepEqual(await page.locator('.msg').evaluateAll((els) => els.map((el) => el.className)),
    ['msg user', 'msg assistant', 'msg user', 'msg assistant']);
  assert.equal(await page.locator('.msg.user').first().textContent(), question);

  assert.deepEqual(problems, []);
});
