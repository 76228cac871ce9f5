// Vite with @cloudflare/vite-plugin (Node 22): `vite build`, then `vite preview`, which runs the
// built Worker in workerd.
import { describe, before, it } from 'node:test';
import { NODE22, bin, dir, run, serve, served, stage } from './harness.mjs';

const PROJECT = 'vite-cloudflare';

describe('Vite 8.3.8 + @cloudflare/vite-plugin 1.64.0', () => {
  before(() => stage(PROJECT));

  it('vite build; vite preview', async (t) => {
    await run(bin(PROJECT, 'vite'), ['build'], { cwd: dir(PROJECT), env: NODE22 });
    await served(t, (port) => serve(bin(PROJECT, 'vite'), ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
      { cwd: dir(PROJECT), env: NODE22, port, timeout: 90_000 }));
  });
});
