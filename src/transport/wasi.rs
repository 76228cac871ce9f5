//! The WASI 0.2 transport (wasm32-wasip2): the client in a component run by Spin, `wasmtime serve`,
//! wasmCloud or jco. Each attempt is a `wasi:http/outgoing-handler` request whose deadline (the body's
//! download included) is kept with the monotonic clock; the retry loop's sleeps wait on that clock;
//! the backoff's jitter comes from `wasi:random`.
//!
//! WASI 0.2 gives a guest no async: an attempt blocks the component until it settles, so every future
//! this transport returns is ready the first time it is polled, on any executor (Spin's, `wstd`'s,
//! [`super::block_on`]). Dropping such a future therefore cannot cancel an attempt already made; the
//! per-attempt timeout is what bounds it.
//!
//! ```no_run
//! # fn run() -> Result<(), asyntai_edge::Error> {
//! use asyntai_edge::transport::block_on;
//! use asyntai_edge::{ChatRequest, Client};
//!
//! // On wasm32-wasip2 `Client::builder(..).build()` uses this transport.
//! let client = Client::builder(std::env::var("ASYNTAI_API_KEY").unwrap_or_default()).build()?;
//! let answer = block_on(client.chat().send(ChatRequest { message: "Hi".into(), ..Default::default() }))?;
//! # Ok(()) }
//! ```

use wasip2::clocks::{monotonic_clock, wall_clock};
use wasip2::http::outgoing_handler;
use wasip2::http::types::{ErrorCode, Fields, IncomingBody, Method as WasiMethod, OutgoingBody, OutgoingRequest, RequestOptions, Scheme};
use wasip2::io::poll::{poll, Pollable};
use wasip2::io::streams::StreamError;

use super::{BufferedResponse, Failure, HttpBody, HttpRequest, Transport};
use crate::api::Method;

/// How much is written to an output stream at once (what `blocking-write-and-flush` takes at most).
const WRITE_CHUNK: usize = 4096;
/// How much is read from the body at once.
const READ_CHUNK: u64 = 64 * 1024;

/// The wasi:http transport: what `Client::builder(..).build()` uses on wasm32-wasip2.
#[derive(Debug, Clone, Copy, Default)]
pub struct WasiTransport;

/// Nanoseconds of `ms` milliseconds (a negative or NaN count is none; a huge one saturates).
fn nanos(ms: f64) -> u64 {
    (ms.max(0.0) * 1e6) as u64
}

/// Waits until `p` is ready or the clock reaches `deadline`: whether `p` is ready.
fn ready_by(p: &Pollable, deadline: monotonic_clock::Instant) -> bool {
    let timer = monotonic_clock::subscribe_instant(deadline);
    poll(&[p, &timer]).contains(&0)
}

fn network(what: &str) -> Failure<String> {
    Failure::Network(what.to_owned())
}

/// What a wasi:http error is to the client: its own timeouts are timeouts, the rest network failures.
fn failure(code: &ErrorCode) -> Failure<String> {
    match code {
        ErrorCode::ConnectionTimeout | ErrorCode::ConnectionReadTimeout | ErrorCode::ConnectionWriteTimeout | ErrorCode::HttpResponseTimeout => {
            Failure::Timeout
        }
        ErrorCode::HttpRequestDenied => {
            network("wasi:http: the host denied the request (Spin: list the API's origin in the component's allowed_outbound_hosts)")
        }
        other => Failure::Network(format!("wasi:http: {other:?}")),
    }
}

/// A boundary that does not occur in `file`.
fn boundary(file: &[u8]) -> String {
    loop {
        let b = format!("----asyntai-edge-{:016x}{:016x}", wasip2::random::random::get_random_u64(), wasip2::random::random::get_random_u64());
        if !file.windows(b.len()).any(|w| w == b.as_bytes()) {
            return b;
        }
    }
}

/// One attempt, blocking until it settles or its deadline passes.
fn attempt(req: &HttpRequest<'_, Vec<u8>>) -> Result<BufferedResponse, Failure<String>> {
    let budget = nanos(req.timeout_ms);
    let deadline = monotonic_clock::now().saturating_add(budget);
    let (scheme, rest) = match (req.url.strip_prefix("https://"), req.url.strip_prefix("http://")) {
        (Some(rest), _) => (Scheme::Https, rest),
        (None, Some(rest)) => (Scheme::Http, rest),
        (None, None) => return Err(network("not an http(s) URL")),
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };

    let mut extra: Vec<(String, String)> = Vec::new();
    let body: Option<Vec<u8>> = match &req.body {
        HttpBody::Empty => None,
        HttpBody::Json(text) => Some(text.as_bytes().to_vec()),
        HttpBody::Multipart { fields, file, filename, content_type } => {
            let (ct, bytes) = super::multipart_body(&boundary(file), fields, file, filename, content_type);
            extra.push(("content-type".into(), ct));
            Some(bytes)
        }
    };
    if let Some(bytes) = &body {
        extra.push(("content-length".into(), bytes.len().to_string()));
    }
    let headers = Fields::new();
    for (name, value) in req.headers.iter().chain(extra.iter()) {
        // The value may be the key: only the name is ever said.
        if headers.append(name, value.as_bytes()).is_err() {
            return Err(Failure::Network(format!("the host refuses the header `{name}`")));
        }
    }

    let request = OutgoingRequest::new(headers);
    let method = match req.method {
        Method::Get => WasiMethod::Get,
        Method::Post => WasiMethod::Post,
        Method::Delete => WasiMethod::Delete,
    };
    let set = request.set_method(&method).is_ok()
        && request.set_scheme(Some(&scheme)).is_ok()
        && request.set_authority(Some(authority)).is_ok()
        && request.set_path_with_query(Some(path)).is_ok();
    if !set {
        return Err(network("the host refuses this URL"));
    }
    let outgoing = request.body().map_err(|()| network("no request body"))?;
    // The host's own timeouts too (a host may not take them: the deadline below still holds).
    let options = RequestOptions::new();
    let _ = options.set_connect_timeout(Some(budget));
    let _ = options.set_first_byte_timeout(Some(budget));
    let _ = options.set_between_bytes_timeout(Some(budget));
    let pending = outgoing_handler::handle(request, Some(options)).map_err(|e| failure(&e))?;

    if let Some(bytes) = &body {
        let stream = outgoing.write().map_err(|()| network("the request body cannot be written"))?;
        for chunk in bytes.chunks(WRITE_CHUNK) {
            stream.blocking_write_and_flush(chunk).map_err(|e| match e {
                StreamError::LastOperationFailed(e) => Failure::Network(e.to_debug_string()),
                StreamError::Closed => network("the connection closed while the request was sent"),
            })?;
        }
        drop(stream);
    }
    OutgoingBody::finish(outgoing, None).map_err(|e| failure(&e))?;

    if !ready_by(&pending.subscribe(), deadline) {
        return Err(Failure::Timeout);
    }
    let response = match pending.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(code))) => return Err(failure(&code)),
        Some(Err(())) | None => return Err(network("no response")),
    };
    let status = response.status();
    let headers = response.headers().entries().into_iter().map(|(k, v)| (k.to_ascii_lowercase(), String::from_utf8_lossy(&v).into_owned())).collect();
    let incoming = response.consume().map_err(|()| network("no response body"))?;
    let stream = incoming.stream().map_err(|()| network("no response body"))?;
    // A success body is read whole; of any other, only what the client keeps (an error page may be
    // megabytes, and a wasm memory that grew for it stays grown).
    let cap = if (200..300).contains(&status) { usize::MAX } else { crate::client::MAX_ERROR_BODY + 4 };
    let mut body = Vec::new();
    while body.len() <= cap {
        match stream.read(READ_CHUNK) {
            Ok(chunk) if chunk.is_empty() => {
                if !ready_by(&stream.subscribe(), deadline) {
                    return Err(Failure::Timeout);
                }
            }
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => return Err(Failure::Network(e.to_debug_string())),
        }
    }
    drop(stream);
    drop(IncomingBody::finish(incoming));
    Ok(BufferedResponse { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

impl Transport for WasiTransport {
    type Response = BufferedResponse;
    type File = Vec<u8>;
    /// None: elsewhere a Rust caller cancels by dropping the future; here a call runs to its end within
    /// the first poll, bounded by its timeouts.
    type Signal = ();
    type Cause = String;

    async fn send(&self, req: HttpRequest<'_, Vec<u8>>, _: Option<&()>) -> Result<BufferedResponse, Failure<String>> {
        attempt(&req)
    }

    async fn sleep(&self, ms: f64, _: Option<&()>) {
        let ns = nanos(ms);
        if ns > 0 {
            monotonic_clock::subscribe_duration(ns).block();
        }
    }

    fn is_aborted(&self, _: Option<&()>) -> bool {
        false
    }

    fn now_ms(&self) -> f64 {
        let t = wall_clock::now();
        t.seconds as f64 * 1000.0 + f64::from(t.nanoseconds) / 1e6
    }

    fn random(&self) -> f64 {
        // 53 random bits: a float in [0, 1).
        (wasip2::random::random::get_random_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn describe(cause: &String) -> String {
        cause.clone()
    }

    fn default_transport() -> Result<Self, crate::Error> {
        Ok(WasiTransport)
    }
}
