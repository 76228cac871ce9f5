// The app every framework project serves, as a user would write it: the three entries of asyntai-edge
// imported by name. The driver (tests/frameworks/harness.mjs) copies this file into each project
// (<project>/shared/app.js, git-ignored) before building, so `asyntai-edge` resolves from the
// project's own node_modules, where the packed tarball is installed.
//
//   GET  /             200 "ok" (readiness)
//   POST /api/chat     {message} -> client.chat.send() on the sandbox -> {response, session_id}
//   POST /api/webhook  verifyRequest(request) -> {event}; a bad signature -> 400 {reason}
import { Asyntai } from 'asyntai-edge';
import { MockAsyntai } from 'asyntai-edge/testing';
import { Webhook, WebhookVerificationError } from 'asyntai-edge/webhooks';

/** The webhook secret (the driver signs with node:crypto and the same string). */
export const WEBHOOK_SECRET = 'whsec_frameworks_test_secret';

export async function chat(request) {
  const { message } = await request.json();
  const client = new Asyntai({ apiKey: 'test_key', fetch: new MockAsyntai().fetch });
  const answer = await client.chat.send({ message });
  return Response.json({ response: answer.response, session_id: answer.session_id });
}

export async function webhook(request) {
  try {
    const event = await new Webhook(WEBHOOK_SECRET).verifyRequest(request);
    return Response.json({ event: event.event });
  } catch (err) {
    if (err instanceof WebhookVerificationError) return Response.json({ reason: err.reason }, { status: 400 });
    throw err;
  }
}

/** A fetch handler: the shape Workers, Deno.serve and Bun.serve call. */
export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (request.method === 'POST' && pathname === '/api/chat') return chat(request);
    if (request.method === 'POST' && pathname === '/api/webhook') return webhook(request);
    if (pathname === '/') return new Response('ok');
    return new Response('not found', { status: 404 });
  },
};
