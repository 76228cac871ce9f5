// Types of `asyntai-edge/webhooks` (re-exported by `asyntai-edge`).
import type { Ticket } from './client.js';
export { WebhookVerificationError } from './errors.js';
export type { WebhookVerificationReason } from './errors.js';

/**
 * A request body exactly as received: a string (its UTF-8 bytes are checked), a `Uint8Array`
 * (Node's `Buffer` included), an `ArrayBuffer`, or any other `ArrayBuffer` view. Never a parsed and
 * re-serialized body: its bytes differ from what was signed.
 */
export type RawWebhookBody = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** The envelope of every delivery: `{"event": "<name>", "payload": {...}}`. */
export interface WebhookEventEnvelope<E extends string, P> {
  /** The event name, e.g. `"lead.captured"`. */
  event: E;
  /** The event's data. */
  payload: P;
}

/** A payload whose shape Asyntai does not publish: read its fields as `unknown`. */
export type UnpublishedPayload = Record<string, unknown>;

/** `lead.captured`: a visitor left contact details. */
export interface LeadCapturedPayload {
  email: string | null;
  phone: string | null;
  /** The page the visitor was on, when known. */
  page_url: string | null;
  /** The visitor's country, when known. */
  country: string | null;
  website_domain: string;
  session_id: string;
  /** When the conversation started, ISO 8601. */
  started_at: string;
}

/** A visitor sent a message and got an answer. */
export type MessageReceivedEvent = WebhookEventEnvelope<'message.received', UnpublishedPayload>;
/** A new conversation started. */
export type ConversationStartedEvent = WebhookEventEnvelope<'conversation.started', UnpublishedPayload>;
/** The AI asked for a human agent. */
export type EscalationRequestedEvent = WebhookEventEnvelope<'escalation.requested', UnpublishedPayload>;
/** A human agent took the conversation over. */
export type TakeoverStartedEvent = WebhookEventEnvelope<'takeover.started', UnpublishedPayload>;
/** A visitor left contact details. */
export type LeadCapturedEvent = WebhookEventEnvelope<'lead.captured', LeadCapturedPayload>;
/** A support ticket was opened (a visitor asked for a human): the payload is the ticket. */
export type TicketCreatedEvent = WebhookEventEnvelope<'ticket.created', Ticket>;

/** Every event this version knows. */
export type KnownWebhookEvent =
  | MessageReceivedEvent
  | ConversationStartedEvent
  | EscalationRequestedEvent
  | TakeoverStartedEvent
  | LeadCapturedEvent
  | TicketCreatedEvent;

/**
 * An event this version does not know: new events pass through `verify()` instead of failing.
 *
 * Its `payload` is typed `never` only so that narrowing on `event` keeps the known events' payload
 * types (TypeScript cannot exclude the known names from `string`); at run time it is the parsed
 * JSON value: read it as `const data: unknown = event.payload`.
 */
export interface UnknownWebhookEvent {
  event: string;
  payload: never;
}

/** What `verify()` returns: narrow it with `switch (event.event)`. */
export type WebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

/**
 * Verifies Asyntai webhook deliveries: the `X-Webhook-Signature` header is the hex HMAC-SHA256 of
 * the raw body bytes keyed with the webhook's `whsec_` secret, compared in constant time.
 *
 * ```ts
 * const wh = new Webhook(env.ASYNTAI_WEBHOOK_SECRET);
 * const event = await wh.verifyRequest(request); // throws WebhookVerificationError
 * ```
 */
export declare class Webhook {
  /**
   * @param secret the webhook's `whsec_` secret, or several (e.g. `[newSecret, oldSecret]`) to
   *   rotate without downtime: a delivery signed with any of them verifies.
   * @throws {WebhookVerificationError} `missing_secret` when there is no secret, an empty one, or
   *   an empty list.
   * @throws {TypeError} when a secret is not a string.
   */
  constructor(secret: string | readonly string[]);

  /**
   * Checks the signature of the raw body, then parses it.
   * @returns the event (a JSON object).
   * @throws {WebhookVerificationError} with `reason` `missing_signature`, `malformed_signature`,
   *   `signature_mismatch` or `invalid_json` (signature good, body not a JSON object).
   * @throws {TypeError} when `rawBody` is not a string, `Uint8Array`, `ArrayBuffer` or view (for
   *   example a body a framework already parsed).
   */
  verify<T = WebhookEvent>(rawBody: RawWebhookBody, signatureHeader: string | null | undefined): T;

  /** Whether the signature is valid for these bytes (the body is not parsed). Never throws. */
  isValid(rawBody: unknown, signatureHeader: unknown): boolean;

  /**
   * Reads a Fetch API `Request`'s raw body and its `X-Webhook-Signature` header (any case), then
   * `verify()`. The body must not have been read yet.
   */
  verifyRequest<T = WebhookEvent>(request: Request): Promise<T>;

  /** The `X-Webhook-Signature` value for `rawBody` signed with `secret` (lowercase hex), for tests. */
  static sign(secret: string, rawBody: RawWebhookBody): string;
  /**
   * Frees its memory in the wasm now rather than when it is garbage-collected (which happens anyway).
   * Afterwards its methods and getters throw a TypeError; a second `free()` does nothing.
   */
  free(): void;
}

