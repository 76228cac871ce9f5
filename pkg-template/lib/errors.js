// Every error class of asyntai-edge. One module instance serves every entry of the package, so
// `instanceof` works whichever entry made the error. Each class sets `name` to a literal (it survives
// minification). No error ever holds the API key: the client redacts it before any text gets here.

export class AsyntaiError extends Error {}

export class ValidationError extends AsyntaiError {
  /** @param {string} message @param {string} field */
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

export class APIError extends AsyntaiError {
  /**
   * @param {string} message
   * @param {{status: number, error: string | null, headers: Record<string, string>, body: unknown, retryAfter: number | null}} info
   */
  constructor(message, info) {
    super(message);
    this.status = info.status;
    this.error = info.error;
    this.headers = info.headers;
    this.body = info.body;
    this.retryAfter = info.retryAfter;
  }
}

export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class RateLimitError extends APIError {}
export class InternalServerError extends APIError {}
export class ServiceUnavailableError extends APIError {}

export class APIConnectionError extends AsyntaiError {
  /** @param {string} message @param {{cause?: unknown}} [options] */
  constructor(message, options) {
    super(message, options);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

export class APITimeoutError extends APIConnectionError {}

export class APIUserAbortError extends AsyntaiError {
  constructor(message = 'Request was aborted.') {
    super(message);
  }
}

export class WebhookVerificationError extends AsyntaiError {
  /** @param {string} message @param {string} reason */
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
}

const named = {
  AsyntaiError, ValidationError, APIError, BadRequestError, AuthenticationError, PermissionDeniedError,
  NotFoundError, RateLimitError, InternalServerError, ServiceUnavailableError, APIConnectionError,
  APITimeoutError, APIUserAbortError, WebhookVerificationError,
};
for (const name of Object.keys(named)) {
  Object.defineProperty(named[name].prototype, 'name', { value: name, writable: true, configurable: true });
}

/** The APIError subclasses, by the class name the core's classifier gives. */
export const apiErrorClasses = {
  APIError, BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError,
  InternalServerError, ServiceUnavailableError,
};
