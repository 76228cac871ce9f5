/** Base class of every error asyntai-edge throws. */
export declare class AsyntaiError extends Error {}

/** Bad input, found before any request: nothing was sent. */
export declare class ValidationError extends AsyntaiError {
  constructor(message: string, field: string);
  readonly name: 'ValidationError' | string;
  /** The input at fault, e.g. `"limit"`, `"events[1]"`, `"headers.x-trace"`. */
  field: string;
}

/** What an APIError carries. */
export interface APIErrorInfo {
  status: number;
  error: string | null;
  headers: Record<string, string>;
  body: unknown;
  retryAfter: number | null;
}

/** The API answered with an error: any non-2xx status (whatever the body), or a 2xx with `success: false`. */
export declare class APIError extends AsyntaiError {
  constructor(message: string, info: APIErrorInfo);
  /** The HTTP status. */
  status: number;
  /** The API's own message (`error` in its body), or null when the body had none. */
  error: string | null;
  /** The answer's headers, lower-case names. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** `Retry-After` in seconds, or null. */
  retryAfter: number | null;
}
/** 400 */
export declare class BadRequestError extends APIError {}
/** 401: missing or invalid API key. */
export declare class AuthenticationError extends APIError {}
/** 403: e.g. a plan without API access. */
export declare class PermissionDeniedError extends APIError {}
/** 404 */
export declare class NotFoundError extends APIError {}
/** 429: the plan's monthly message quota is reached (or, with `retryAfter`, a temporary limit). */
export declare class RateLimitError extends APIError {}
/** 5xx other than 503. */
export declare class InternalServerError extends APIError {}
/** 503: the AI service is temporarily unavailable. */
export declare class ServiceUnavailableError extends APIError {}

/** The request could not be completed (DNS, refused, reset), or a 2xx body was not the JSON object the API promises. */
export declare class APIConnectionError extends AsyntaiError {
  constructor(message: string, options?: { cause?: unknown });
  cause?: unknown;
}
/** An attempt ran past `timeout`. */
export declare class APITimeoutError extends APIConnectionError {}
/** The caller's `signal` aborted the request. */
export declare class APIUserAbortError extends AsyntaiError {
  constructor(message?: string);
}

/** Why a webhook failed verification. */
export type WebhookVerificationReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'invalid_json'
  | 'missing_secret';

/** A webhook delivery did not verify. */
export declare class WebhookVerificationError extends AsyntaiError {
  constructor(message: string, reason: WebhookVerificationReason);
  reason: WebhookVerificationReason;
}
