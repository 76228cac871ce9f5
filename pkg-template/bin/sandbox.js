// The sandbox as an HTTP server (`npx asyntai-edge sandbox`, see asyntai-edge.js): Node's http
// server in front of one MockAsyntai. Each request's method, target, raw headers and body bytes go
// straight to the sandbox's core (no Request or Response object on the way); its webhook deliveries
// are POSTed, signed, to the webhooks' URLs with the global fetch, before the request is answered.
// Every answer, the server's own included (a body too large, a path outside /api/v1/, a request
// that is not HTTP), is JSON in the API's `{success: false, error}` form.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { MockAsyntai } from '../entries/node/testing.js';

/** The sandbox core's own entry point, as lib/testing.js defines it. */

/** Largest request body accepted; a larger one gets 413. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** A webhook receiver gets this long to answer; the API call waits for its deliveries. */
export const DELIVERY_TIMEOUT_MS = 5_000;
/** Where the API is served; every path the vendor's clients use is under it. */
export const API_PREFIX = '/api/v1/';

const JSON_TYPE = 'application/json';

function errorBody(message) {
  return JSON.stringify({ success: false, error: message });
}

/** The path of a request target: `/api/v1/chat/?x=1` or the absolute form `http://h/api/v1/chat/`. */
function pathOf(target) {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)/i.exec(target);
  return m ? m[1] : target;
}

function printable(text, max = 200) {
  // eslint-disable-next-line no-control-regex
  const clean = String(text).replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/**
 * @param {object} options
 * @param {string} options.key          the API key accepted
 * @param {string} options.plan         starter, standard, pro or free
 * @param {{websites?: object[], knowledge?: object[], webhooks?: object[]}} [options.seed]
 * @param {(line: string) => void} [options.log]  one line per request (and per delivery); none when absent
 * @param {typeof fetch} [options.fetch]          delivers webhooks (default: the global fetch)
 * @returns {{server: http.Server, mock: MockAsyntai, stats: () => object}}
 * @throws ValidationError (from MockAsyntai) for a bad option or seed
 */
export function createSandboxServer({ key, plan, seed = {}, log, fetch = globalThis.fetch }) {
  let requests = 0;
  const deliver = async (url, init) => {
    const started = performance.now();
    const event = /^\{"event":"([^"\\]*)"/.exec(init.body)?.[1] ?? 'event';
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
      log?.(`  webhook ${event} -> ${url} ${res.status} ${(performance.now() - started).toFixed(1)} ms`);
      return res;
    } catch (err) {
      const why = err?.name === 'TimeoutError' ? `no answer in ${DELIVERY_TIMEOUT_MS} ms`
        : printable(err?.cause?.code ?? err?.cause?.message ?? err?.message ?? err, 80);
      log?.(`  webhook ${event} -> ${url} failed (${why})`);
      throw err;
    }
  };
  const { websites, knowledge, webhooks } = seed;
  const mock = new MockAsyntai({ apiKey: key, plan, fetch: deliver, websites, knowledge, webhooks });

  function reply(req, res, started, status, body) {
    if (!res.headersSent) {
      res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
    }
    res.end(body);
    log?.(`${printable(req.method, 20)} ${printable(req.url)} ${status} ${(performance.now() - started).toFixed(1)} ms`);
  }

  function tooLarge(req, res, started) {
    reply(req, res, started, 413, errorBody(
      `request body too large: the sandbox takes at most ${MAX_BODY_BYTES / 1024 / 1024} MB`));
  }

  function onRequest(req, res) {
    const started = performance.now();
    requests++;
    const path = pathOf(req.url);
    if (!path.startsWith(API_PREFIX)) {
      req.resume();
      reply(req, res, started, 404, errorBody(
        `not found: ${printable(path, 100)} (the sandbox serves the API under ${API_PREFIX}, e.g. POST ${API_PREFIX}chat/)`));
      return;
    }
    // The body is read to its end before any answer, even one too large (then dropped as it comes):
    // most clients send the whole body before they read the answer, and closing on them mid-body
    // would leave them a broken pipe instead of the 413.
    const chunks = [];
    let size = 0;
    let over = Number(req.headers['content-length']) > MAX_BODY_BYTES;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (over || size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      if (over) {
        tooLarge(req, res, started);
        return;
      }
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      mock.serveRaw(req.method, req.url, req.rawHeaders.join('\n'), bytes).then(
        ({ status, body }) => {
          mock.deliveries.length = 0; // logged as they are made; a long-running server keeps none
          reply(req, res, started, status, body);
        },
        (err) => {
          console.error(`asyntai-edge sandbox: internal error on ${printable(req.method, 20)} ${printable(req.url)}:`, err);
          reply(req, res, started, 500, errorBody('internal sandbox error (see the sandbox log)'));
        },
      );
    });
    req.on('error', () => {}); // a client gone mid-body: nothing to answer
  }

  const server = http.createServer({ keepAlive: true }, onRequest);
  server.keepAliveTimeout = 30_000;
  // `Expect: 100-continue` (curl sends it for large bodies): refuse an oversized body before it is sent.
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) {
      requests++;
      res.setHeader('connection', 'close'); // the client sends no body now: nothing to read after this
      tooLarge(req, res, performance.now());
      return;
    }
    res.writeContinue();
    onRequest(req, res);
  });
  // Not HTTP, or headers too large: answered in the documented form too, then the connection closes.
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const why = status === 431 ? 'request headers too large'
      : status === 408 ? 'request timed out' : `malformed HTTP request (${err.code ?? 'parse error'})`;
    const body = errorBody(why);
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: ${JSON_TYPE}\r\n`
      + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    log?.(`- - ${status} ${why}`);
  });

  const stats = () => {
    const m = process.memoryUsage();
    return { requests, rss: m.rss, heapUsed: m.heapUsed, external: m.external };
  };
  return { server, mock, stats };
}
