// A strict TypeScript user of all three entries, importing by name from the installed tarball.
// `tsc --noEmit -p tests/types` (node16 resolution) and `-p tests/types/tsconfig.bundler.json`
// (bundler resolution, `workerd` condition) must both pass: every `@ts-expect-error` below must meet
// an error, so each one proves the types refuse that wrong input.
import Asyntai, {
  Asyntai as NamedAsyntai,
  AsyntaiError,
  ValidationError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  InternalServerError,
  ServiceUnavailableError,
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  WebhookVerificationError,
  Webhook,
  type ClientOptions,
  type RequestOptions,
  type ChatResponse,
  type WebsiteList,
  type Conversation,
  type SessionList,
  type TicketList,
  type LeadList,
  type AccountResponse,
  type KnowledgeList,
  type AddTextResponse,
  type AddUrlResponse,
  type UploadSpreadsheetResponse,
  type DeleteResponse,
  type WebhookEndpointList,
  type CreateWebhookResponse,
} from 'asyntai-edge';
import {
  Webhook as SmallWebhook,
  WebhookVerificationError as SmallVerificationError,
  type WebhookEvent,
  type WebhookVerificationReason,
} from 'asyntai-edge/webhooks';
import { MockAsyntai, type MockAsyntaiOptions, type MockDelivery } from 'asyntai-edge/testing';

/** `T` and `U` are the same type (not merely assignable). */
type Equal<T, U> = (<G>() => G extends T ? 1 : 2) extends <G>() => G extends U ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}

// --- construction --------------------------------------------------------------------------------
const mockOptions: MockAsyntaiOptions = { apiKey: 'test_key', plan: 'pro', websites: [{ id: 1, is_primary: true }] };
const mock = new MockAsyntai(mockOptions);
const options: ClientOptions = {
  apiKey: 'test_key',
  baseURL: 'https://asyntai.com/api/v1',
  timeout: 10_000,
  maxRetries: 0,
  fetch: mock.fetch,
  defaultHeaders: { 'x-trace': 'usage' },
  dangerouslyAllowBrowser: false,
};
const client = new Asyntai(options);
const same: NamedAsyntai = client;
new Asyntai();
new Asyntai({ fetch: globalThis.fetch });

// @ts-expect-error an option that does not exist
new Asyntai({ apiKey: 'k', retries: 3 });
// @ts-expect-error timeout is milliseconds, a number
new Asyntai({ timeout: '5s' });
// @ts-expect-error defaultHeaders values are strings
new Asyntai({ defaultHeaders: { 'x-count': 1 } });
// @ts-expect-error a plan the sandbox does not have
new MockAsyntai({ plan: 'enterprise' });

// --- every method, its input and its parsed answer ------------------------------------------------
export async function everyMethod(signal: AbortSignal): Promise<void> {
  const perCall: RequestOptions = { signal, timeout: 5_000, maxRetries: 1, headers: { 'x-request': '1' } };

  const chat = await client.chat.send({ message: 'Hello', session_id: 's1', website_id: '12' }, perCall);
  assertType<Equal<typeof chat, ChatResponse>>();
  const answer: string = chat.response;
  const success: true = chat.success;
  // @ts-expect-error the answer is `response`, not `reply`
  chat.reply;
  // @ts-expect-error `message` is required
  await client.chat.send({ session_id: 's1' });
  // @ts-expect-error website_id is a number or a string of digits
  await client.chat.send({ message: 'Hi', website_id: true });
  // @ts-expect-error website_id as a string holds digits only
  await client.chat.send({ message: 'Hi', website_id: 'main-site' });

  const websites = await client.websites.list();
  assertType<Equal<typeof websites, WebsiteList>>();
  const primary: boolean | undefined = websites.websites[0]?.is_primary;

  const conversation = await client.conversations.list({ session_id: chat.session_id, limit: 20 });
  assertType<Equal<typeof conversation, Conversation>>();
  const role: 'user' | 'assistant' | undefined = conversation.messages[0]?.role;
  // @ts-expect-error session_id is required
  await client.conversations.list({ limit: 20 });

  const sessions = await client.sessions.list({ source: 'whatsapp', limit: 10, website_id: 3 });
  assertType<Equal<typeof sessions, SessionList>>();
  await client.sessions.list();
  // @ts-expect-error `source` is one of the eight sources
  await client.sessions.list({ source: 'email' });

  const leads = await client.leads.list({ limit: 5 });
  assertType<Equal<typeof leads, LeadList>>();
  const email: string | null | undefined = leads.leads[0]?.email;
  // @ts-expect-error limit is a number
  await client.leads.list({ limit: '5' });
  await client.leads.list({ since: new Date(), before: '2026-01-31T00:00:00Z', email: 'a@b.co' });
  // @ts-expect-error since is a Date or an ISO 8601 string
  await client.leads.list({ since: 1700000000 });

  // Paged lists: the promise of a page, and an async iterable of its items across pages.
  for await (const lead of client.leads.list({ since: '2026-01-01' })) {
    const started: string = lead.started_at;
  }
  for await (const session of client.sessions.list()) {
    const startedAt: string | null | undefined = session.started_at;
  }
  const tickets = await client.tickets.list({ limit: 2 });
  assertType<Equal<typeof tickets, TicketList>>();
  for await (const ticket of client.tickets.list({ before: new Date() })) {
    const number: string = ticket.ticket_number;
    const site: number | null = ticket.website_id;
  }
  // The escape hatch: extra query parameters and JSON fields, sent as given.
  await client.chat.send({ message: 'hi' }, { query: { beta: true, v: 2 }, body: { metadata: { plan: 'pro' } } });

  const account = await client.account.get(perCall);
  assertType<Equal<typeof account, AccountResponse>>();
  const used: number = account.account.messages_used;

  const knowledge = await client.knowledge.list({ website_id: '7' });
  assertType<Equal<typeof knowledge, KnowledgeList>>();
  const added = await client.knowledge.addText({ title: 'Hours', content: 'Open 9 to 5 on weekdays.' });
  assertType<Equal<typeof added, AddTextResponse>>();
  // @ts-expect-error content is required
  await client.knowledge.addText({ title: 'Hours' });
  const fromUrl = await client.knowledge.addUrl({ url: 'https://example.com/faq' });
  assertType<Equal<typeof fromUrl, AddUrlResponse>>();
  const csv = new TextEncoder().encode('name,price\nTea,3\n');
  const sheet = await client.knowledge.uploadSpreadsheet({ file: csv, filename: 'products.csv' });
  assertType<Equal<typeof sheet, UploadSpreadsheetResponse>>();
  await client.knowledge.uploadSpreadsheet({ file: new Blob([csv]), filename: 'products.csv' });
  await client.knowledge.uploadSpreadsheet({ file: csv.buffer });
  // @ts-expect-error the file is bytes or a Blob, not the CSV text
  await client.knowledge.uploadSpreadsheet({ file: 'name,price\nTea,3\n' });
  const removed = await client.knowledge.delete(added.id);
  assertType<Equal<typeof removed, DeleteResponse>>();
  // @ts-expect-error ids are strings
  await client.knowledge.delete(12);

  const hooks = await client.webhooks.list();
  assertType<Equal<typeof hooks, WebhookEndpointList>>();
  const created = await client.webhooks.create({ url: 'https://example.com/hook', events: ['lead.captured', 'custom.event'] });
  assertType<Equal<typeof created, CreateWebhookResponse>>();
  const secret: string = created.webhook.secret;
  // @ts-expect-error at least one event
  await client.webhooks.create({ url: 'https://example.com/hook', events: [] });
  // @ts-expect-error events is an array
  await client.webhooks.create({ url: 'https://example.com/hook', events: 'lead.captured' });
  await client.webhooks.delete(created.webhook.id);

  void [same, answer, success, primary, role, email, used, secret];
}

// --- errors ---------------------------------------------------------------------------------------
export function describe(err: unknown): string {
  if (err instanceof RateLimitError) {
    const wait: number | null = err.retryAfter;
    return `rate limited, retry after ${wait ?? 'never'}`;
  }
  if (err instanceof APIError) {
    const status: number = err.status;
    const apiMessage: string | null = err.error;
    const headers: Record<string, string> = err.headers;
    const body: unknown = err.body;
    // @ts-expect-error the body is unknown: narrow it before use
    body.success;
    return `${status} ${apiMessage} ${Object.keys(headers).length}`;
  }
  if (err instanceof ValidationError) return `bad ${err.field}`;
  if (err instanceof APITimeoutError) return 'timeout';
  if (err instanceof APIConnectionError) return `network: ${String(err.cause)}`;
  if (err instanceof APIUserAbortError) return 'aborted';
  if (err instanceof WebhookVerificationError) {
    const reason: WebhookVerificationReason = err.reason;
    // @ts-expect-error not one of the five reasons
    const wrong: typeof err.reason = 'expired';
    return reason + wrong;
  }
  if (err instanceof AsyntaiError) return err.message;
  return String(err);
}
const hierarchy: AsyntaiError[] = [
  new BadRequestError('x', { status: 400, error: null, headers: {}, body: null, retryAfter: null }),
  new AuthenticationError('x', { status: 401, error: null, headers: {}, body: null, retryAfter: null }),
  new PermissionDeniedError('x', { status: 403, error: null, headers: {}, body: null, retryAfter: null }),
  new NotFoundError('x', { status: 404, error: null, headers: {}, body: null, retryAfter: null }),
  new InternalServerError('x', { status: 500, error: null, headers: {}, body: null, retryAfter: null }),
  new ServiceUnavailableError('x', { status: 503, error: null, headers: {}, body: null, retryAfter: null }),
  new SmallVerificationError('x', 'signature_mismatch'),
];
const asErrors: Error[] = hierarchy;
// @ts-expect-error a reason that does not exist
new WebhookVerificationError('x', 'too_old');

// --- webhooks, from both entries -------------------------------------------------------------------
export async function receive(request: Request): Promise<Response> {
  const wh = new SmallWebhook(['whsec_new', 'whsec_old']);
  const event: WebhookEvent = await wh.verifyRequest(request);
  switch (event.event) {
    case 'lead.captured': {
      const mail: string | null = event.payload.email;
      const domain: string = event.payload.website_domain;
      return new Response(`${mail} ${domain}`);
    }
    case 'message.received': {
      const data: Record<string, unknown> = event.payload;
      return new Response(String(Object.keys(data).length));
    }
    default:
      return new Response(event.event);
  }
}
const main = new Webhook('whsec_x');
const body = '{"event":"lead.captured","payload":{}}';
const header: string = Webhook.sign('whsec_x', body);
main.verify(new TextEncoder().encode(body), header);
main.verify(new ArrayBuffer(8), null);
const valid: boolean = main.isValid(body, header);
// @ts-expect-error a parsed body is not the raw body
main.verify(JSON.parse(body) as object, header);
// @ts-expect-error a secret is a string
new SmallWebhook(42);
// @ts-expect-error sign() returns the header string
const notNumber: number = SmallWebhook.sign('whsec_x', body);

// --- the sandbox -----------------------------------------------------------------------------------
const deliveries: readonly MockDelivery[] = mock.deliveries;
const status: number | null | undefined = deliveries[0]?.status;
const served: Promise<Response> = mock.fetch(new Request('https://asyntai.com/api/v1/account/'));
// @ts-expect-error deliveries are read-only
mock.deliveries = [];

// free(): each class's memory released now rather than at garbage collection
new Asyntai({ apiKey: 'k' }).free();
new SmallWebhook('whsec_x').free();
new MockAsyntai().free();
// @ts-expect-error free() returns nothing
const freed: string = main.free();

void [asErrors, valid, notNumber, status, served, freed];
