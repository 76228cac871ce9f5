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
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Latin-1 without control characters (tab allowed): what fetch accepts, minus CR, LF and NUL.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

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

/**
 * Copies a headers init (object, Headers or [name, value] pairs) into `out`, lower-casing names. Refuses,
 * with a ValidationError and before anything is sent, what fetch would refuse or what could split a
 * header: names that are not HTTP tokens, values with CR, LF, NUL or characters beyond Latin-1.
 */
function mergeHeaders(out, init, where) {
  if (init === undefined || init === null) return;
  if (typeof init !== 'object') throw new ValidationError(`\`${where}\` must be an object of header names and values`, where);
  const entries = typeof init.forEach === 'function' && typeof init.get === 'function' ? [...init.entries()]
    : Symbol.iterator in init ? [...init] : Object.entries(init);
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new ValidationError(`\`${where}\` must hold [name, value] pairs`, where);
    const [name, value] = entry;
    if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
      throw new ValidationError(`\`${where}\` holds a header name that is not an HTTP token (no CR, LF or NUL, spaces or separators)`, where);
    }
    const key = name.toLowerCase();
    if (value === undefined || value === null) { delete out[key]; continue; }
    const v = String(value);
    if (!HEADER_VALUE.test(v)) {
      throw new ValidationError(`header \`${where}.${key}\` must not contain CR, LF or NUL, nor characters beyond Latin-1`, `${where}.${key}`);
    }
    out[key] = v;
  }
}

/** One listener per caller's AbortSignal, however many calls share it (no MaxListeners warning). */
const watchers = new WeakMap();
function onAbort(signal, fn) {
  let set = watchers.get(signal);
  if (set === undefined) {
    set = new Set();
    const fire = () => { watchers.delete(signal); for (const f of set) f(); };
    set.fire = fire;
    watchers.set(signal, set);
    signal.addEventListener('abort', fire, { once: true });
  }
  set.add(fn);
  return () => {
    set.delete(fn);
    if (set.size === 0 && watchers.get(signal) === set) {
      watchers.delete(signal);
      signal.removeEventListener('abort', set.fire);
    }
  };
}

/** prepare() of the operations called without options, by name: a pure function of the name. */
const NO_PARAMS = new Map();

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
    /** The key in every spelling a JSON body may use for it (`/` may be escaped as `\/`): redacted. */
    #spellings;
    #base;
    #timeout;
    #maxRetries;
    #fetch;
    #headers;
    #hasHeaders;

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
      this.#spellings = [...new Set([key, key.replaceAll('/', '\\/'), JSON.stringify(key).slice(1, -1)])];
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
      mergeHeaders(headers, options.defaultHeaders, 'defaultHeaders');
      this.#headers = headers;
      this.#hasHeaders = Object.keys(headers).length > 0;

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
      if (typeof text !== 'string') return text;
      for (const k of this.#spellings) if (text.includes(k)) text = text.split(k).join('[redacted]');
      return text;
    }

    /** A parsed body with the key redacted from every string in it (keys included). */
    #scrub(value, depth = 0) {
      if (typeof value === 'string') return this.#redact(value);
      if (value === null || typeof value !== 'object' || depth > 64) return value;
      if (Array.isArray(value)) return value.map((v) => this.#scrub(v, depth + 1));
      const out = {};
      for (const k of Object.keys(value)) out[this.#redact(k)] = this.#scrub(value[k], depth + 1);
      return out;
    }

    /** Validates and builds, in the core (nothing is sent when that fails), then sends. Not `async`: one
     * promise per call, not two; bad input still comes back as a rejected promise. */
    #call(op, params, opts) {
      try {
        return this.#send(...this.#build(op, params, opts));
      } catch (err) {
        return Promise.reject(err);
      }
    }

    #build(op, params, opts) {
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
          if (typeof v === 'number' && !Number.isFinite(v)) throw new ValidationError(this.#redact(`\`${k}\` must be a finite number, got ${v}`), this.#redact(k));
        }
      }
      let wire;
      try {
        if (params !== undefined) wire = core.prepare(op, JSON.stringify(params));
        else if ((wire = NO_PARAMS.get(op)) === undefined) NO_PARAMS.set(op, (wire = core.prepare(op, '{}')));
      } catch (e) {
        if (typeof e !== 'string') throw new ValidationError('the options must be JSON-compatible (no BigInt, no cycles)', 'params');
        const i = e.indexOf(SEP);
        throw new ValidationError(this.#redact(e.slice(i + 1)), this.#redact(e.slice(0, i)));
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
      if (this.#hasHeaders) Object.assign(headers, this.#headers);
      mergeHeaders(headers, extra, 'headers');
      return [method, url, headers, body, signal, timeout, maxRetries];
    }

    async #send(method, url, headers, body, signal, timeout, maxRetries) {
      const doFetch = this.#fetch;
      for (let retries = 0; ; retries++) {
        if (signal && signal.aborted) throw new APIUserAbortError();
        // The timeout is most of what a call costs over a bare fetch (an AbortController and a timer, ~3 µs).
        // AbortSignal.timeout() is no cheaper, and in workerd its timers cannot be cleared: an isolate
        // making many calls in one request hits workerd's cap on active timeouts.
        const ctrl = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => { timedOut = true; ctrl.abort(); }, timeout);
        const unwatch = signal ? onAbort(signal, () => ctrl.abort()) : undefined;
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
          if (unwatch) unwatch();
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

    /** Whether the key shows anywhere in `v`: its strings, own properties, entries and causes. */
    #mentionsKey(v, depth = 0, seen = new Set()) {
      if (typeof v === 'string') return this.#spellings.some((k) => v.includes(k));
      if (v === null || (typeof v !== 'object' && typeof v !== 'function') || depth > 6 || seen.has(v)) return false;
      seen.add(v);
      const parts = [];
      for (const name of Reflect.ownKeys(v)) {
        const d = Object.getOwnPropertyDescriptor(v, name);
        if (typeof name === 'string') parts.push(name);
        if (d && 'value' in d) parts.push(d.value);
      }
      for (const name of ['message', 'stack', 'cause', 'name', 'code']) parts.push(v[name]);
      if (typeof v.forEach === 'function' && typeof v.entries === 'function') v.forEach((val, k) => parts.push(k, val));
      return parts.some((p) => this.#mentionsKey(p, depth + 1, seen));
    }

    /**
     * The cause handed on with a connection error: the original when the key shows nowhere in it (the
     * usual case), else a copy of its name, message, code and causes with the key redacted (a custom
     * fetch's error may carry the request, headers and all).
     */
    #safeCause(cause, depth = 0) {
      if (cause === undefined || cause === null) return cause;
      try {
        if (depth === 0 && !this.#mentionsKey(cause)) return cause;
      } catch { /* a hostile getter: rebuild */ }
      let message;
      try {
        message = typeof cause === 'object' || typeof cause === 'function' ? String(cause.message ?? '') : String(cause);
      } catch {
        message = '';
      }
      const safe = new Error(this.#redact(message));
      try {
        if (typeof cause.name === 'string') Object.defineProperty(safe, 'name', { value: this.#redact(cause.name), configurable: true, writable: true });
        if (cause.code !== undefined) safe.code = this.#redact(String(cause.code));
        if (depth < 4 && cause.cause !== undefined) safe.cause = this.#safeCause(cause.cause, depth + 1);
      } catch { /* an exotic throw value: its message is enough */ }
      return safe;
    }

    #error(verdict, status, safeText, resHeaders, retryAfter) {
      const [cls, rawMessage, rawError] = verdict.split(SEP);
      // The core decodes JSON escapes (\u0073k_...): redact what it hands back too.
      const message = this.#redact(rawMessage);
      const error = this.#redact(rawError);
      if (cls === 'APIConnectionError') return new APIConnectionError(message);
      let body = safeText;
      try { body = this.#scrub(JSON.parse(safeText)); } catch { /* keep the text */ }
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
    const unwatch = signal ? onAbort(signal, () => { clearTimeout(t); reject(new APIUserAbortError()); }) : undefined;
    const t = setTimeout(() => { if (unwatch) unwatch(); resolve(); }, ms);
  });
}
