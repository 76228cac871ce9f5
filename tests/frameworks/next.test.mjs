// Next.js: `next build`, then `next start`, with a chat and a webhook route on each runtime (edge and
// Node). Next 15 builds with webpack (its default); Next 16 with webpack (`--webpack`) and with
// Turbopack (its default). Both projects serve the same routes (shared/next-app, staged as app/).
import { describe, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { bin, dir, run, serve, served, stage } from './harness.mjs';

const ROUTES = [
  { chat: '/api/node/chat', webhook: '/api/node/webhook' },
  { chat: '/api/edge/chat', webhook: '/api/edge/webhook' },
];

async function buildAndStart(t, project, args, bundler) {
  rmSync(dir(project, '.next'), { recursive: true, force: true });
  const { output } = await run(bin(project, 'next'), ['build', ...args], { cwd: dir(project), timeout: 600_000 });
  // Next names its bundler on its banner line, e.g. "▲ Next.js 16.4.6 (Turbopack)"; webpack builds of 15 name none.
  const banner = output.split('\n').find((l) => l.includes('Next.js')) ?? '';
  assert.equal(/turbopack/i.test(banner), bundler === 'turbopack', `built with ${bundler}? banner: ${banner}`);
  await served(t, (port) => serve(bin(project, 'next'), ['start', '-H', '127.0.0.1', '-p', String(port)],
    { cwd: dir(project), port }), ...ROUTES);
}

describe('Next.js 15.5.29', () => {
  before(() => stage('next15', { next: true }));
  it('next build (webpack); next start: edge and Node routes', (t) => buildAndStart(t, 'next15', [], 'webpack'));
});

describe('Next.js 16.4.6', () => {
  before(() => stage('next16', { next: true }));
  it('next build --webpack; next start: edge and Node routes', (t) => buildAndStart(t, 'next16', ['--webpack'], 'webpack'));
  it('next build (Turbopack); next start: edge and Node routes', (t) => buildAndStart(t, 'next16', [], 'turbopack'));
});
