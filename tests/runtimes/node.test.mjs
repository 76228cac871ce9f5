// Node 20: the package imported by name from tests/node_modules: ESM import, require() (Node's
// require(esm): the package is ESM only, with no top-level await, so Node >= 20.19 loads it with
// require), and the app's checks run in-process through its fetch handler.
import { describe, before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startFakeApi } from '../js/fake-api.mjs';
import { scenario } from './scenario.mjs';
import { TESTS } from './helpers.mjs';

// sdk-spec.md "Entry points" and "Errors".
const ERRORS = [
  'AsyntaiError', 'ValidationError', 'APIError', 'BadRequestError', 'AuthenticationError', 'PermissionDeniedError',
  'NotFoundError', 'RateLimitError', 'InternalServerError', 'ServiceUnavailableError', 'APIConnectionError',
  'APITimeoutError', 'APIUserAbortError', 'WebhookVerificationError',
];

/** Runs a script in a fresh node from tests/ (the app folder); its stdout, parsed. */
function fresh(args, script) {
  const out = execFileSync(process.execPath, [...args, '-e', script], { cwd: TESTS, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

const REPORT = `({
  main: Object.keys(main).sort(), defaultIsAsyntai: main.default === main.Asyntai,
  webhooks: Object.keys(webhooks).filter((k) => k !== 'default' && k !== 'module.exports').sort(),
  testing: Object.keys(testing).filter((k) => k !== 'default' && k !== 'module.exports').sort(),
  works: new webhooks.Webhook('whsec_x').isValid('{}', main.Webhook.sign('whsec_x', '{}')),
})`;

describe('Node', () => {
  it('ESM: resolves the node entries and exports every documented name', () => {
    const r = fresh(['--input-type=module'], `
      import * as main from 'asyntai-edge';
      import * as webhooks from 'asyntai-edge/webhooks';
      import * as testing from 'asyntai-edge/testing';
      const resolved = ['asyntai-edge', 'asyntai-edge/webhooks', 'asyntai-edge/testing'].map((s) => import.meta.resolve(s).replace(/^.*node_modules\\//, ''));
      console.log(JSON.stringify({ resolved, report: ${REPORT} }));
    `);
    assert.deepEqual(r.resolved, [
      'asyntai-edge/entries/node/index.js',
      'asyntai-edge/entries/node/webhooks.js',
      'asyntai-edge/entries/node/testing.js',
    ]);
    for (const name of ['Asyntai', 'Webhook', 'default', ...ERRORS]) assert.ok(r.report.main.includes(name), `asyntai-edge exports ${name}`);
    assert.equal(r.report.defaultIsAsyntai, true);
    assert.deepEqual(r.report.webhooks, ['Webhook', 'WebhookVerificationError'], 'asyntai-edge/webhooks: nothing else');
    assert.deepEqual(r.report.testing, ['MockAsyntai']);
    assert.equal(r.report.works, true);
  });

  it('require(): CommonJS code loads the same entries (require(esm), Node >= 20.19)', () => {
    const r = fresh(['--no-warnings'], `
      const main = require('asyntai-edge');
      const webhooks = require('asyntai-edge/webhooks');
      const testing = require('asyntai-edge/testing');
      console.log(JSON.stringify(${REPORT}));
    `);
    for (const name of ['Asyntai', 'Webhook', ...ERRORS]) assert.ok(r.main.includes(name), `require('asyntai-edge').${name}`);
    assert.equal(r.defaultIsAsyntai, true);
    assert.deepEqual(r.webhooks, ['Webhook', 'WebhookVerificationError']);
    assert.deepEqual(r.testing, ['MockAsyntai']);
    assert.equal(r.works, true);
  });

  describe('the app, in-process', () => {
    const ctx = {};
    before(async () => {
      ctx.fake = await startFakeApi();
      ctx.apiUrl = ctx.fake.url;
      const { default: handler } = await import('./app/handler.mjs');
      ctx.send = async (path, init = {}) => {
        const res = await handler.fetch(new Request(`http://app.test${path}`, init));
        return { status: res.status, json: await res.json() };
      };
    });
    after(() => ctx.fake?.close());
    scenario(ctx);
  });
});
