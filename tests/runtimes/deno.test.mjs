// Deno: the app served by Deno.serve in the real deno (npm package `deno`), importing the package by
// name from tests/node_modules, with network access to loopback only and no other permission.
import { describe, before, after } from 'node:test';
import { join } from 'node:path';
import { startFakeApi } from '../js/fake-api.mjs';
import { scenario } from './scenario.mjs';
import { HERE, OUT, TESTS, TOOLS_BIN, httpSend, startProcess, stopProcess } from './helpers.mjs';

describe('Deno', () => {
  const ctx = {};
  let deno;

  before(async () => {
    ctx.fake = await startFakeApi();
    ctx.apiUrl = ctx.fake.url;
    deno = await startProcess(
      join(TOOLS_BIN, 'deno'),
      ['run', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', join(HERE, 'deno', 'serve.mjs')],
      {
        cwd: TESTS,
        env: { DENO_DIR: join(OUT, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
        ready: (line) => JSON.parse(line).listening,
      },
    );
    ctx.send = httpSend(`http://127.0.0.1:${deno.value}`);
  });

  after(async () => {
    await stopProcess(deno?.child);
    await ctx.fake?.close();
  });

  scenario(ctx);
});
