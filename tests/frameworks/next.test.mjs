// Next.js: `next build`, then `next start`, with a chat and a webhook route on each runtime (edge and
// Node), built by each bundler: Next 15 with webpack (its default) and Turbopack (`--turbopack`, beta
// in 15.5); Next 16 with webpack (`--webpack`) and Turbopack (its default). Both projects serve the
// same routes (shared/next-app, staged as app/).
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
  it('next build --turbopack; next start: edge and Node routes', (t) => buildAndStart(t, 'next15', ['--turbopack'], 'turbopack'));
});

describe('Next.js 16.4.6', () => {
  before(() => stage('next16', { next: true }));
  it('next build --webpack; next start: edge and Node routes', (t) => buildAndStart(t, 'next16', ['--webpack'], 'webpack'));
  it('next build (Turbopack); next start: edge and Node routes', (t) => buildAndStart(t, 'next16', [], 'turbopack'));
});
