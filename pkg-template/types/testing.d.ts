// `asyntai-edge/testing`: the offline sandbox.

/** A plan of the sandbox's account. `free` has no API access: every request gets 403. */
export type MockPlan = 'starter' | 'standard' | 'pro' | 'free';

/**
 * The events the sandbox delivers (a webhook may also subscribe to `takeover.started`, never sent here).
 * `ticket.created` carries the ticket as `GET /tickets/` lists it: one is opened when a visitor asks for a human.
 */
export type MockWebhookEvent =
  | 'conversation.started'
  | 'message.received'
  | 'lead.captured'
  | 'escalation.requested'
  | 'ticket.created';

/** A website of the sandbox's account, as `GET /websites/` lists it. */
export interface MockWebsite {
  /** Positive integer, unique. */
  id: number;
  /** Default `"Website <id>"`. */
  name?: string;
  /** Default `"site<id>.example.com"`. */
  domain?: string;
  /** The default website of chat and knowledge requests; default: the first website. At most one. */
  is_primary?: boolean;
}

/** Overrides of the plan's quotas, to test what your code does when one is reached. */
export interface MockLimits {
  /** Chat messages per calendar month (UTC); the next one gets 429. Plan default: 2,500 / 15,000 / 50,000. */
  messagesPerMonth?: number;
  /** Knowledge characters uploaded per UTC day (text + URL + spreadsheet rows); over it: 429. */
  uploadCharsPerDay?: number;
  /** Spreadsheet rows kept per upload; the rest are cut. Plan default: 500 / 2,000 / 10,000. */
  spreadsheetRows?: number;
}

/** A knowledge entry the sandbox starts with: text, as `POST /knowledge/text/` takes it. */
export interface MockSeedText {
  title: string;
  /** At least 10 characters. */
  content: string;
  /** An integer or a string of digits; default: the primary website. */
  website_id?: number | string;
}

/** A knowledge entry the sandbox starts with: a page, with the text it would have fetched. */
export interface MockSeedPage {
  /** An absolute http(s) URL. Nothing is fetched. */
  url: string;
  /** Default: made from the URL (`/shipping-policy` -> `"Shipping Policy - example.com"`). */
  title?: string;
  /** The page's text, answered from. Default: only the title and URL are searchable. */
  content?: string;
  website_id?: number | string;
}

/** A webhook the sandbox starts with. */
export interface MockSeedWebhook {
  /** HTTPS, or http to a loopback host (`http://127.0.0.1:3000/webhooks`). */
  url: string;
  events: Array<MockWebhookEvent | 'takeover.started'>;
  /** The signing secret, so your receiver can be configured beforehand. Default: a generated `whsec_` secret. */
  secret?: string;
  website_id?: number | string;
}

export interface MockAsyntaiOptions {
  /** The only key the sandbox accepts. Default `"test_key"`. */
  apiKey?: string;
  /** Default `"starter"`. */
  plan?: MockPlan;
  /**
   * Delivers webhooks: called as `fetch(url, { method: "POST", headers, body })`, without a `this`
   * binding, and awaited before the request that caused the event gets its answer. Without it,
   * deliveries are recorded in `mock.deliveries` (with `status: null`) but not sent.
   */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** The account's websites. Default: one primary website, `{ id: 1, domain: "example.com" }`. */
  websites?: MockWebsite[];
  /** Smaller (or larger) quotas than the plan's. */
  limits?: MockLimits;
  /** Knowledge entries present from the start (not counted against the daily upload cap). */
  knowledge?: Array<MockSeedText | MockSeedPage>;
  /** Webhooks present from the start. */
  webhooks?: MockSeedWebhook[];
}

/** One webhook delivery the sandbox made. */
export interface MockDelivery {
  /** The webhook's URL. */
  url: string;
  event: MockWebhookEvent;
  /** The raw JSON body sent: `{"event": "...", "payload": {...}}`. */
  body: string;
  /** The `X-Webhook-Signature` sent: lower-case hex HMAC-SHA256 of `body` keyed with the webhook's secret. */
  signature: string;
  /** The receiver's HTTP status; `0` when the delivery threw; `null` when no `fetch` option was given. */
  status: number | null;
}

/**
 * An in-memory, stateful stand-in for the whole Asyntai API:
 * `new Asyntai({ apiKey: "test_key", fetch: mock.fetch })`, or serve `mock.fetch` over HTTP.
 */
export declare class MockAsyntai {
  /** @throws ValidationError for an invalid option (its `field` names the option). */
  constructor(options?: MockAsyntaiOptions);
  /** fetch-compatible; an own bound property, usable detached (`{ fetch: mock.fetch }`). */
  readonly fetch: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  /** Every webhook delivery made, oldest first. */
  readonly deliveries: MockDelivery[];
  /**
   * Frees its memory in the wasm now rather than when it is garbage-collected (which happens anyway).
   * Afterwards its methods and getters throw a TypeError; a second `free()` does nothing.
   */
  free(): void;
}
