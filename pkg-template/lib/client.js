// The client's shell: I/O only (fetch, timers, AbortSignal). Validation, request building, response
// classification and the retry policy are the Rust core's (`core`, the wasm module's exports).
import {
  AsyntaiError, ValidationError, APIConnectionError, APITimeoutError, APIUserAbortError, APIError,
  BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError,
  InternalServerError, ServiceUnavailableError,
} from './errors.js';

/** The APIError subclasses, by the class name the core's classifier gives. */
const apiErrorClasses = {
  APIError, BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError,
  InternalServerError, ServiceUnavailableError,
};

const DEFAULT_BASE_URL = 'https://asyntai.com/api/v1/';
const SEP = '\u001f';
const HEADER_UNSAFE = /[\r\n\0]/;

function envKey() {
  try {
    const p = globalThis.process;
    if (p && p.env && p.env.ASYNTAI_API_KEY) return p.env.ASYNTAI_API_KEY;
  } catch { /* no process.env here */ }
  try {
    const d = globalThis.Deno;
    if (d && d.env) return d.env.get('ASYNTAI_API_KEY');
  } catch { /* Deno without --allow-env */ }
  return undefined;
}

function isBrowser() {
  return typeof window !== 'undefined' && typeof document !== 'undefined' && typeof navigator !== 'undefined';
}

function checkCount(value, name, Err, allowZero) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < (allowZero ? 0 : 1)) {
    throw new Err(`\`${name}\` must be a ${allowZero ? 'non-negative' : 'positive'} number`, name);
  }
}

/** Copies a headers init (object, Headers or entries) into `out`, lower-casing names; refuses CR/LF/NUL. */
function mergeHeaders(out, init, where, Err) {
  if (init == null) return;
  const entries = typeof init.entries === 'function' && !(Symbol.iterator in Object(init)) ? init.entries()
    : Symbol.iterator in Object(init) ? init : Object.entries(init);
  for (const [name, value] of entries) {
    if (value === undefined || value === null) { delete out[String(name).toLowerCase()]; continue; }
    const v = String(value);
    if (HEADER_UNSAFE.test(name) || HEADER_UNSAFE.test(v)) {
      throw new Err(`header \`${name}\` must not contain CR, LF or NUL`, `${where}.${name}`);
    }
    out[String(name).toLowerCase()] = v;
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The spreadsheet as a Blob and its name: a Blob/File, a Uint8Array (or other view) or an ArrayBuffer. */
function toSpreadsheet(file, filename) {
  let blob;
  let zip = false;
  if (typeof Blob !== 'undefined' && file instanceof Blob) {
    blob = file;
    if (filename === undefined && typeof file.name === 'string' && file.name !== '') filename = file.name;
    zip = /spreadsheetml/.test(file.type);
  } else if (file instanceof ArrayBuffer || ArrayBuffer.isView(file)) {
    const bytes = file instanceof ArrayBuffer ? new Uint8Array(file)
      : new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
    blob = new Blob([bytes]);
  } else {
    throw new ValidationError('`file` must be a Blob, File, Uint8Array or ArrayBuffer', 'file');
  }
  const known = filename !== undefined;
  const name = known ? filename : zip ? 'spreadsheet.xlsx' : 'spreadsheet.csv';
  return { blob, name, known };
}

/**
 * @param {*} core the wasm module's exports: prepare, classify, retryAfter, retryDelay
 */
export function createAsyntai(core) {
  class Asyntai {
    #key;
    #base;
    #timeout;
    #maxRetries;
    #fetch;
    #headers;

    constructor(options = {}) {
      if (options === null || typeof options !== 'object') throw new AsyntaiError('new Asyntai(options): options must be an object');
      if (isBrowser() && options.dangerouslyAllowBrowser !== true) {
        throw new AsyntaiError(
          'Asyntai is for server-side code: in a browser page your API key would be visible to every visitor. ' +
          'Call the API from your server (or an edge function), or pass `dangerouslyAllowBrowser: true` if you know the risk.');
      }
      const key = options.apiKey !== undefined ? options.apiKey : envKey();
      if (typeof key !== 'string' || key.trim() === '') {
        throw new AsyntaiError('The `apiKey` option is missing or empty: pass new Asyntai({ apiKey }) or set the ASYNTAI_API_KEY environment variable.');
      }
      if (/[^\x21-\x7e]/.test(key)) {
        throw new AsyntaiError('The `apiKey` option holds characters an HTTP header cannot carry (spaces, line breaks or non-ASCII): check how it was copied.');
      }
      this.#key = key;
      let base = options.baseURL ?? DEFAULT_BASE_URL;
      try {
        base = new URL(base).href;
      } catch {
        throw new AsyntaiError('The `baseURL` option must be an absolute URL, e.g. "https://asyntai.com/api/v1/".');
      }
      this.#base = base.endsWith('/') ? base : base + '/';
      const timeout = options.timeout ?? 60_000;
      checkCount(timeout, 'timeout', AsyntaiError, false);
      this.#timeout = timeout;
      const maxRetries = options.maxRetries ?? 2;
      if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new AsyntaiError('`maxRetries` must be a non-negative integer');
      this.#maxRetries = maxRetries;
      const f = options.fetch ?? globalThis.fetch;
      if (typeof f !== 'function') throw new AsyntaiError('No `fetch` here: pass one with the `fetch` option.');
      this.#fetch = f;
      const headers = {};
      mergeHeaders(headers, options.defaultHeaders, 'defaultHeaders', AsyntaiError);
      this.#headers = headers;

      const call = (op, params, opts) => this.#call(op, params, opts);
      this.chat = { send: (params, opts) => call('chat.send', params, opts) };
      this.websites = { list: (opts) => call('websites.list', undefined, opts) };
      this.conversations = { list: (params, opts) => call('conversations.list', params, opts) };
      this.sessions = { list: (params, opts) => call('sessions.list', params, opts) };
      this.leads = { list: (params, opts) => call('leads.list', params, opts) };
      this.account = { get: (opts) => call('account.get', undefined, opts) };
      this.knowledge = {
        list: (params, opts) => call('knowledge.list', params, opts),
        addText: (params, opts) => call('knowledge.addText', params, opts),
        addUrl: (params, opts) => call('knowledge.addUrl', params, opts),
        uploadSpreadsheet: (params, opts) => call('knowledge.uploadSpreadsheet', params, opts),
        delete: (id, opts) => call('knowledge.delete', { id }, opts),
      };
      this.webhooks = {
        list: (opts) => call('webhooks.list', undefined, opts),
        create: (params, opts) => call('webhooks.create', params, opts),
        delete: (id, opts) => call('webhooks.delete', { id }, opts),
      };
    }

    /** The base URL requests go to. */
    get baseURL() {
      return this.#base;
    }

    #redact(text) {
      return typeof text === 'string' && text.includes(this.#key) ? text.split(this.#key).join('[redacted]') : text;
    }

    async #call(op, params, opts) {
      // 1. Validate and build, in the core. Nothing is sent when this throws.
      let file;
      if (op === 'knowledge.uploadSpreadsheet' && params !== null && typeof params === 'object') {
        const { file: f, filename, ...rest } = params;
        if (f === undefined || f === null) throw new ValidationError('`file` is required', 'file');
        file = toSpreadsheet(f, filename);
        params = { ...rest, size: file.blob.size };
        if (file.known) params.filename = file.name;
      }
      if (params !== null && typeof params === 'object') {
        // JSON.stringify would turn NaN and Infinity into null (= absent): refuse them here.
        for (const k in params) {
          const v = params[k];
          if (typeof v === 'number' && !Number.isFinite(v)) throw new ValidationError(`\`${k}\` must be a finite number, got ${v}`, k);
        }
      }
      let wire;
      try {
        wire = core.prepare(op, params === undefined ? '{}' : JSON.stringify(params));
      } catch (e) {
        if (typeof e !== 'string') throw new ValidationError('the options must be JSON-compatible (no BigInt, no cycles)', 'params');
        const i = e.indexOf(SEP);
        throw new ValidationError(e.slice(i + 1), e.slice(0, i));
      }
      let signal, timeout = this.#timeout, maxRetries = this.#maxRetries, extra;
      if (opts !== undefined && opts !== null) {
        if (typeof opts !== 'object') throw new ValidationError('the request options must be an object', 'options');
        signal = opts.signal;
        extra = opts.headers;
        if (signal !== undefined && signal !== null && (typeof signal.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')) {
          throw new ValidationError('`signal` must be an AbortSignal', 'signal');
        }
        if (opts.timeout !== undefined) { checkCount(opts.timeout, 'timeout', ValidationError, false); timeout = opts.timeout; }
        if (opts.maxRetries !== undefined) {
          if (!Number.isInteger(opts.maxRetries) || opts.maxRetries < 0) throw new ValidationError('`maxRetries` must be a non-negative integer', 'maxRetries');
          maxRetries = opts.maxRetries;
        }
      }
      const sp = wire.indexOf(' ');
      const nl = wire.indexOf('\n');
      let method = wire.slice(0, sp);
      const url = this.#base + wire.slice(sp + 1, nl);
      const headers = { accept: 'application/json', authorization: 'Bearer ' + this.#key };
      let body;
      if (method === 'MULTIPART') {
        method = 'POST';
        const fields = JSON.parse(wire.slice(nl + 1));
        body = new FormData();
        for (const k of Object.keys(fields)) body.append(k, fields[k]);
        const type = file.name.toLowerCase().endsWith('.xlsx') ? XLSX_TYPE : 'text/csv';
        body.append('file', file.blob.type ? file.blob : new Blob([file.blob], { type }), file.name);
      } else if (nl + 1 < wire.length) {
        body = wire.slice(nl + 1);
        headers['content-type'] = 'application/json';
      }
      Object.assign(headers, this.#headers);
      mergeHeaders(headers, extra, 'headers', ValidationError);
      return this.#send(method, url, headers, body, signal, timeout, maxRetries);
    }

    async #send(method, url, headers, body, signal, timeout, maxRetries) {
      const doFetch = this.#fetch;
      for (let retries = 0; ; retries++) {
        if (signal && signal.aborted) throw new APIUserAbortError();
        const ctrl = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; ctrl.abort(); }, timeout);
        const onAbort = () => ctrl.abort();
        if (signal) signal.addEventListener('abort', onAbort, { once: true });
        let res, text;
        try {
          res = await doFetch(url, { method, headers, body, signal: ctrl.signal });
          text = await res.text();
        } catch (cause) {
          if (signal && signal.aborted) throw new APIUserAbortError();
          const delay = core.retryDelay(retries, maxRetries, method, timedOut ? 1 : 0, -1, Math.random());
          if (delay < 0) {
            throw timedOut
              ? new APITimeoutError(`Request timed out after ${timeout} ms.`)
              : new APIConnectionError('Connection error: the request could not be completed.', { cause: this.#safeCause(cause) });
          }
          await sleep(delay, signal);
          continue;
        } finally {
          clearTimeout(timer);
          if (signal) signal.removeEventListener('abort', onAbort);
        }
        const status = res.status;
        if (status >= 200 && status < 300) {
          // The fast path: a success body is read by JSON.parse and never crosses into wasm.
          let value;
          try { value = JSON.parse(text); } catch { /* classified below */ }
          if (value !== null && typeof value === 'object' && !Array.isArray(value) && value.success !== false) return value;
        }
        const safe = this.#redact(text);
        const verdict = core.classify(status, safe);
        const ra = res.headers.get('retry-after');
        const retryAfter = ra === null ? -1 : core.retryAfter(ra, Date.now());
        const delay = core.retryDelay(retries, maxRetries, method, verdict.startsWith('APIConnectionError') ? 0 : status, retryAfter, Math.random());
        if (delay >= 0) {
          await sleep(delay, signal);
          continue;
        }
        throw this.#error(verdict, status, safe, res.headers, retryAfter);
      }
    }

    #safeCause(cause) {
      try {
        const text = String(cause && cause.message) + String(cause && cause.stack) + String(cause && cause.cause);
        if (!text.includes(this.#key)) return cause;
      } catch { /* an exotic throw value */ }
      return new Error('the underlying error was withheld: it quoted the API key');
    }

    #error(verdict, status, safeText, resHeaders, retryAfter) {
      const [cls, message, error] = verdict.split(SEP);
      if (cls === 'APIConnectionError') return new APIConnectionError(message);
      let body = safeText;
      try { body = JSON.parse(safeText); } catch { /* keep the text */ }
      const headers = {};
      resHeaders.forEach((v, k) => { headers[k] = this.#redact(v); });
      const Cls = apiErrorClasses[cls] || apiErrorClasses.APIError;
      return new Cls(message, { status, error: error === undefined ? null : error, headers, body, retryAfter: retryAfter < 0 ? null : retryAfter });
    }
  }
  return Asyntai;
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(new APIUserAbortError());
    const onAbort = () => { clearTimeout(t); reject(new APIUserAbortError()); };
    const t = setTimeout(() => { if (signal) signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
  });
}
