// Every error class of asyntai-edge. One module instance serves every entry of the package, so
// `instanceof` works whichever entry made the error. Each class sets `name` to a literal (it survives
// minification; a prototype getter, so declarations stay pure and bundlers drop the classes an entry does
// not use). No error ever holds the API key: the client redacts it before any text gets here.

export class AsyntaiError extends Error {
  get name() {
    return 'AsyntaiError';
  }
}

export class ValidationError extends AsyntaiError {
  get name() {
    return 'ValidationError';
  }
  /** @param {string} message @param {string} field */
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

export class APIError extends AsyntaiError {
  get name() {
    return 'APIError';
  }
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

export class BadRequestError extends APIError {
  get name() {
    return 'BadRequestError';
  }
}
export class AuthenticationError extends APIError {
  get name() {
    return 'AuthenticationError';
  }
}
export class PermissionDeniedError extends APIError {
  get name() {
    return 'PermissionDeniedError';
  }
}
export class NotFoundError extends APIError {
  get name() {
    return 'NotFoundError';
  }
}
export class RateLimitError extends APIError {
  get name() {
    return 'RateLimitError';
  }
}
export class InternalServerError extends APIError {
  get name() {
    return 'InternalServerError';
  }
}
export class ServiceUnavailableError extends APIError {
  get name() {
    return 'ServiceUnavailableError';
  }
}

export class APIConnectionError extends AsyntaiError {
  get name() {
    return 'APIConnectionError';
  }
  /** @param {string} message @param {{cause?: unknown}} [options] */
  constructor(message, options) {
    super(message, options);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

export class APITimeoutError extends APIConnectionError {
  get name() {
    return 'APITimeoutError';
  }
}

export class APIUserAbortError extends AsyntaiError {
  get name() {
    return 'APIUserAbortError';
  }
  constructor(message = 'Request was aborted.') {
    super(message);
  }
}

export class WebhookVerificationError extends AsyntaiError {
  get name() {
    return 'WebhookVerificationError';
  }
  /** @param {string} message @param {string} reason */
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
}
