/** Options of `new Asyntai(...)`. */
export interface ClientOptions {
  /** Default: `ASYNTAI_API_KEY` from `process.env` / `Deno.env` where they exist. */
  apiKey?: string;
  /** Default `"https://asyntai.com/api/v1/"`; with or without a trailing slash. */
  baseURL?: string;
  /**
   * Milliseconds per attempt (the body's download included). Default 60 000. Attempts that start close
   * together share an AbortController, so a timeout may fire up to 1% of itself late (at most a
   * second); never early.
   */
  timeout?: number;
  /** Default 2. */
  maxRetries?: number;
  /** Default `globalThis.fetch`; called without a `this` binding. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Extra headers on every request. */
  defaultHeaders?: Record<string, string>;
  /** Allow the client in a browser page, where the key is visible to every visitor. Default false. */
  dangerouslyAllowBrowser?: boolean;
}

/** The optional last argument of every method. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Milliseconds per attempt, for this call. */
  timeout?: number;
  maxRetries?: number;
  /** Extra headers; `null` removes one the client would send. */
  headers?: Record<string, string | null> | Headers | [string, string][];
  /** Extra query parameters, sent as given (for parameters this version does not know yet; not the documented ones). */
  query?: Record<string, string | number | boolean | null | undefined>;
  /** Extra top-level JSON fields of a POST, sent as given (not the documented ones). */
  body?: Record<string, unknown>;
}

/** An ISO 8601 date (`2026-01-31`) or date-time (`2026-01-31T12:00:00Z`), or a `Date`. */
export type Timestamp = Date | string;

/**
 * The promise of one page that is also async-iterable over the items of every page, newest first:
 * `for await (const lead of client.leads.list({ since: '2026-01-01' })) { ... }`. Each next page is
 * asked with `before` = the oldest item of the last page; a short page is the last.
 */
export interface PagePromise<Page, Item> extends Promise<Page>, AsyncIterable<Item> {}

/** A website id: a number, or a string of digits. Sent in the type each endpoint documents. */
export type WebsiteId = number | `${number}`;

/** Where a session came from. */
export type SessionSource =
  | 'widget' | 'api' | 'whatsapp' | 'instagram' | 'messenger' | 'gorgias' | 'freshchat' | 'zapier';

/** Every success body carries `success: true`. */
export interface SuccessEnvelope {
  success: true;
}

export interface ChatSendParams {
  message: string;
  /** Same id = same conversation. */
  session_id?: string;
  /** Sent as an integer. */
  website_id?: WebsiteId;
}
export interface ChatResponse extends SuccessEnvelope {
  response: string;
  session_id: string;
  /** A disclosure that the answer was written by an AI, where the account shows one. */
  ai_disclosure?: string | null;
}

export interface Website {
  id: number;
  name: string;
  domain: string;
  is_primary: boolean;
}
export interface WebsiteList extends SuccessEnvelope {
  websites: Website[];
}

export interface ConversationListParams {
  session_id: string;
  /** 1..100, default 50. */
  limit?: number;
}
export interface ConversationMessage {
  role: 'user' | 'assistant';
  content: string;
  timestamp: string;
  /** Who wrote it: `ai`, `human`, ... */
  sender_type?: 'ai' | 'human' | (string & {}) | null;
  /** The human agent's name, for an agent's message. */
  agent_name?: string | null;
  /** How long the answer took, in milliseconds. */
  response_time_ms?: number | null;
}
export interface Conversation extends SuccessEnvelope {
  session_id: string;
  messages: ConversationMessage[];
}

export interface SessionListParams {
  /** 1..100, default 20. */
  limit?: number;
  website_id?: WebsiteId;
  source?: SessionSource;
  /** Only sessions started at or after this. */
  since?: Timestamp;
  /** Only sessions started before this (the paging cursor). */
  before?: Timestamp;
}
export interface Session {
  session_id: string;
  source: SessionSource | (string & {});
  message_count: number;
  first_message: string;
  first_message_at: string;
  last_message_at: string;
  website_domain: string;
  /** When it started: what `since`/`before` compare. */
  started_at?: string | null;
  ended_at?: string | null;
  first_response_time_ms?: number | null;
  first_human_response_at?: string | null;
  taken_over_at?: string | null;
  page_url?: string | null;
  country?: string | null;
  category?: string | null;
}
export interface SessionList extends SuccessEnvelope {
  sessions: Session[];
}

export interface LeadListParams {
  /** 1..100, default 50. */
  limit?: number;
  website_id?: WebsiteId;
  /** Only leads started at or after this. */
  since?: Timestamp;
  /** Only leads started before this (the paging cursor). */
  before?: Timestamp;
  /** Only the leads with exactly this email address. */
  email?: string;
}
export interface Lead {
  session_id: string;
  email: string | null;
  phone: string | null;
  page_url: string | null;
  started_at: string;
  country?: string | null;
  website_domain?: string | null;
}
export interface LeadList extends SuccessEnvelope {
  leads: Lead[];
}

export interface Account {
  email: string;
  plan: string;
  messages_used: number;
  messages_limit: number;
}
export interface AccountResponse extends SuccessEnvelope {
  account: Account;
}

export interface KnowledgeListParams {
  /** 1..100, default 50. */
  limit?: number;
  /** Default: the primary website. */
  website_id?: WebsiteId;
}
export interface KnowledgeEntry {
  id: string;
  type: 'text' | 'url' | 'spreadsheet' | (string & {});
  title: string;
  description: string;
  created_at: string;
  /** How many chunks it was cut into. */
  chunks_count?: number | null;
}
export interface KnowledgeList extends SuccessEnvelope {
  entries: KnowledgeEntry[];
}
export interface AddTextParams {
  title: string;
  /** At least 10 characters. */
  content: string;
  website_id?: WebsiteId;
}
export interface AddTextResponse extends SuccessEnvelope {
  id: string;
  title: string;
  chunks_created: number;
}
export interface AddUrlParams {
  /** An absolute http(s) URL. */
  url: string;
  website_id?: WebsiteId;
}
export interface AddUrlResponse extends SuccessEnvelope {
  id: string;
  title: string;
  url: string;
  chunks_created: number;
}
export interface UploadSpreadsheetParams {
  /** A .csv or .xlsx file; first row = column headers. */
  file: Blob | Uint8Array | ArrayBuffer;
  /** The file's name (default: a File's own name, else guessed from the content). */
  filename?: string;
  website_id?: WebsiteId;
}
export interface UploadSpreadsheetResponse extends SuccessEnvelope {
  id: string;
  title: string;
  rows_processed: number;
  chunks_created: number;
}
export interface DeleteResponse extends SuccessEnvelope {
  message: string;
}

/** The documented webhook events, and those the vendor's own clients receive (others may be sent too). */
export type WebhookEventName =
  | 'message.received' | 'conversation.started' | 'escalation.requested' | 'takeover.started' | 'lead.captured'
  | 'ticket.created';

export interface TicketListParams {
  /** 1..100. */
  limit?: number;
  website_id?: WebsiteId;
  /** Only tickets created at or after this. */
  since?: Timestamp;
  /** Only tickets created before this (the paging cursor). */
  before?: Timestamp;
}
/** A support ticket, opened when a visitor asks for a human. */
export interface Ticket {
  /** e.g. `TKT-00001`. */
  ticket_number: string;
  session_id: string;
  status: 'open' | 'assigned' | 'resolved' | (string & {});
  priority: 'low' | 'normal' | 'high' | (string & {});
  subject: string;
  visitor_email: string | null;
  page_url: string | null;
  website_id: number | null;
  channel: string;
  assigned_to: string | null;
  /** What `since`/`before` compare. */
  created_at: string;
  first_assigned_at: string | null;
  first_response_at: string | null;
  resolved_at: string | null;
}
export interface TicketList extends SuccessEnvelope {
  tickets: Ticket[];
}
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  is_active: boolean;
  created_at: string;
}
export interface WebhookEndpointList extends SuccessEnvelope {
  webhooks: WebhookEndpoint[];
}
export interface CreateWebhookParams {
  /** HTTPS (http only for localhost / 127.0.0.1 / [::1]). */
  url: string;
  events: [WebhookEventName | (string & {}), ...(WebhookEventName | (string & {}))[]];
  website_id?: WebsiteId;
}
export interface CreatedWebhook {
  id: string;
  url: string;
  events: string[];
  /** `whsec_...`: shown only here. */
  secret: string;
  created_at: string;
}
export interface CreateWebhookResponse extends SuccessEnvelope {
  webhook: CreatedWebhook;
}

/** The Asyntai API client. Server-side: the API key is a secret. */
export declare class Asyntai {
  constructor(options?: ClientOptions);
  readonly baseURL: string;
  readonly chat: {
    send(params: ChatSendParams, options?: RequestOptions): Promise<ChatResponse>;
  };
  readonly websites: {
    list(options?: RequestOptions): Promise<WebsiteList>;
  };
  readonly conversations: {
    list(params: ConversationListParams, options?: RequestOptions): Promise<Conversation>;
  };
  readonly sessions: {
    list(params?: SessionListParams, options?: RequestOptions): PagePromise<SessionList, Session>;
  };
  readonly leads: {
    list(params?: LeadListParams, options?: RequestOptions): PagePromise<LeadList, Lead>;
  };
  readonly tickets: {
    list(params?: TicketListParams, options?: RequestOptions): PagePromise<TicketList, Ticket>;
  };
  readonly account: {
    get(options?: RequestOptions): Promise<AccountResponse>;
  };
  readonly knowledge: {
    list(params?: KnowledgeListParams, options?: RequestOptions): Promise<KnowledgeList>;
    addText(params: AddTextParams, options?: RequestOptions): Promise<AddTextResponse>;
    addUrl(params: AddUrlParams, options?: RequestOptions): Promise<AddUrlResponse>;
    uploadSpreadsheet(params: UploadSpreadsheetParams, options?: RequestOptions): Promise<UploadSpreadsheetResponse>;
    delete(id: string, options?: RequestOptions): Promise<DeleteResponse>;
  };
  readonly webhooks: {
    list(options?: RequestOptions): Promise<WebhookEndpointList>;
    create(params: CreateWebhookParams, options?: RequestOptions): Promise<CreateWebhookResponse>;
    delete(id: string, options?: RequestOptions): Promise<DeleteResponse>;
  };
  /**
   * Frees its memory in the wasm now rather than when it is garbage-collected (which happens anyway).
   * Afterwards its methods and getters throw a TypeError; a second `free()` does nothing.
   */
  free(): void;
}
