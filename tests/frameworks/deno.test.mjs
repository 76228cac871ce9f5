// Deno (tools/: the npm package `deno`): the server imports asyntai-edge by name from the project's
// node_modules (package.json beside it), with network access to loopback only and no other permission.
import { describe, before, it } from 'node:test';
import { DENO, dir, serve, served, stage } from './harness.mjs';

describe('Deno 2.9.6', () => {
  before(() => stage('deno'));

  it('deno run --allow-net=127.0.0.1 src/server.js', async (t) => {
    await served(t, (port) => serve(DENO, ['run', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', 'src/server.js', String(port)],
      { cwd: dir('deno'), port }));
  });
});
