// How the client's wasm constructs its errors: `newError(index, message, extra)`, the class at `index`
// of the list below (the indexes of `mod class` in src/wasm/errors.rs), which Rust chose. One import for
// all of them: one import per class cost the main Workers bundle 82 B more (2026-12-06).
import * as errors from './errors.js';

const CLASSES = [
  errors.AsyntaiError,
  errors.ValidationError,
  errors.BadRequestError,
  errors.AuthenticationError,
  errors.PermissionDeniedError,
  errors.NotFoundError,
  errors.RateLimitError,
  errors.InternalServerError,
  errors.ServiceUnavailableError,
  errors.APIError,
  errors.APIConnectionError,
  errors.APITimeoutError,
  errors.APIUserAbortError,
];

/**
 * @param {number} index the class, in the order above
 * @param {string} message
 * @param {unknown} extra the second constructor argument (a ValidationError's field, an APIError's info, an APIConnectionError's options)
 */
export const newError = (index, message, extra) => new CLASSES[index](message, extra);
