/** Options of `new Asyntai(...)`. */
export interface ClientOptions {
  /** Default: `ASYNTAI_API_KEY` from `process.env` / `Deno.env` where they exist. */
  apiKey?: string;
  /** Default `"https://asyntai.com/api/v1/"`; with or without a trailing slash. */
  baseURL?: string;
  /** Milliseconds per attempt (the body's download included). Default 60 000. */
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
  headers?: Record<string, string>;
}

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
}
export interface Session {
  session_id: string;
  source: SessionSource | (string & {});
  message_count: number;
  first_message: string;
  first_message_at: string;
  last_message_at: string;
  website_domain: string;
}
export interface SessionList extends SuccessEnvelope {
  sessions: Session[];
}

export interface LeadListParams {
  /** 1..100, default 50. */
  limit?: number;
  website_id?: WebsiteId;
}
export interface Lead {
  session_id: string;
  email: string | null;
  phone: string | null;
  page_url: string | null;
  started_at: string;
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

/** The documented webhook events (others may be sent too). */
export type WebhookEventName =
  | 'message.received' | 'conversation.started' | 'escalation.requested' | 'takeover.started' | 'lead.captured';
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
    list(params?: SessionListParams, options?: RequestOptions): Promise<SessionList>;
  };
  readonly leads: {
    list(params?: LeadListParams, options?: RequestOptions): Promise<LeadList>;
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
}
