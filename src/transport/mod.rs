//! The Transport seam: everything the client needs from the outside world (send a request, wait,
//! the time, randomness), so that the whole call path, retries and faults included, runs natively in
//! `cargo test` against the in-process sandbox (`crate::mock`, feature `mock`) or a scripted transport
//! on a virtual clock; on wasm32 over `fetch` (`transport::fetch`), on wasm32-wasip2 over wasi:http
//! (`transport::wasi`).

use core::future::Future;

use crate::api::{BodyView, Method, SpreadsheetFile};

#[cfg(all(target_arch = "wasm32", not(target_os = "wasi"), feature = "client"))]
pub mod fetch;
#[cfg(all(target_arch = "wasm32", not(target_os = "wasi"), feature = "client"))]
pub mod promise;
#[cfg(all(target_os = "wasi", target_env = "p2", feature = "client"))]
pub mod wasi;

#[cfg(feature = "mock")]
pub mod mock;
#[cfg(test)]
pub mod scripted;

/// One attempt of a request, as the transport sends it.
#[derive(Debug)]
pub struct HttpRequest<'a, F> {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: &'a str,
    /// Every header, names in lower case (the API key's `authorization` among them).
    pub headers: &'a [(String, String)],
    /// `Some(i)` when `headers` is the client's standard set `i` (0: no body, 1: a JSON body, 2: a
    /// multipart body) with nothing added for this call: a transport may reuse what it built for it.
    pub standard_headers: Option<usize>,
    /// Body.
    pub body: HttpBody<'a, F>,
    /// This attempt's timeout, in milliseconds, the body's download included.
    pub timeout_ms: f64,
}

/// What a request carries.
#[derive(Debug)]
pub enum HttpBody<'a, F> {
    /// Nothing.
    Empty,
    /// JSON text (`content-type: application/json` is among the headers).
    Json(&'a str),
    /// multipart/form-data (the transport writes the boundary and its `content-type`).
    Multipart {
        /// Text fields, first.
        fields: &'a [(&'static str, String)],
        /// The file part.
        file: &'a F,
        /// Its name.
        filename: &'a str,
        /// Its media type, when the file has none of its own.
        content_type: &'static str,
    },
}

/// Why an attempt got no answer.
#[derive(Debug)]
pub enum Failure<C> {
    /// DNS, refused, reset, dropped, a fetch that threw: with what the transport said.
    Network(C),
    /// The attempt ran past its timeout.
    Timeout,
    /// The caller's signal aborted it.
    Aborted,
}

/// An answer.
pub trait Response {
    /// HTTP status.
    fn status(&self) -> u16;
    /// One header (`name` in lower case).
    fn header(&self, name: &str) -> Option<String>;
    /// Every header, names in lower case.
    fn headers(&self) -> Vec<(String, String)>;
    /// The body, as text.
    fn text(&self) -> String;
    /// At most the first `max` bytes of the body as text (cut at a character boundary), and whether
    /// there was more. A transport whose body lives outside this memory (JavaScript's) copies in only
    /// that much.
    fn text_prefix(&self, max: usize) -> (String, bool) {
        cut(self.text(), max)
    }
}

/// An answer held whole in memory: what a transport of your own can hand the client (a native HTTP
/// client's, a host's), and what the test transports answer with.
///
/// ```
/// use asyntai_edge::transport::{BufferedResponse, Response};
///
/// let answer = BufferedResponse::json(200, r#"{"success":true,"websites":[]}"#).with_header("X-Request-Id", "r1");
/// assert_eq!(answer.header("x-request-id").as_deref(), Some("r1"));
/// assert_eq!(answer.header("content-type").as_deref(), Some("application/json"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// Body (bytes that are not UTF-8 replaced, as `Response.text()` does).
    pub body: String,
}

impl BufferedResponse {
    /// `status` with `body` and no header.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        BufferedResponse { status, headers: Vec::new(), body: body.into() }
    }

    /// `status` with a JSON `body` (`content-type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        BufferedResponse::new(status, body).with_header("content-type", "application/json")
    }

    /// With one more header (its name lower-cased, as a transport hands them over).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }
}

impl Response for BufferedResponse {
    fn status(&self) -> u16 {
        self.status
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
    fn headers(&self) -> Vec<(String, String)> {
        self.headers.clone()
    }
    fn text(&self) -> String {
        self.body.clone()
    }
}

/// A multipart/form-data body, as a browser's `FormData` writes it: the text fields, then the file part;
/// and its `content-type`. `boundary` must not occur in the file.
pub fn multipart_body(boundary: &str, fields: &[(&str, String)], file: &[u8], filename: &str, content_type: &str) -> (String, Vec<u8>) {
    let mut out = Vec::with_capacity(file.len() + 256);
    for (name, value) in fields {
        out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n")
            .as_bytes(),
    );
    out.extend_from_slice(file);
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

/// `text` cut to at most `max` bytes at a character boundary, and whether anything was cut.
pub(crate) fn cut(mut text: String, max: usize) -> (String, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut at = max;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text.truncate(at);
    (text, true)
}

/// What the client needs from its environment. The crate brings one per target (`fetch` on wasm32,
/// wasi:http on wasm32-wasip2, the sandbox with feature `mock`); a host with an HTTP client of its own
/// (Fastly Compute, a native program) implements this over it and gives it to
/// [`ClientBuilder::transport`](crate::ClientBuilder::transport). The client keeps the rest: validation,
/// headers, the retry loop and its policy, classifying answers, redacting the key.
///
/// ```
/// use asyntai_edge::transport::{block_on, BufferedResponse, Failure, HttpRequest, Transport};
/// use asyntai_edge::Client;
///
/// /// Answers every request from memory; a real one sends `req` with its HTTP client.
/// struct Canned;
///
/// impl Transport for Canned {
///     type Response = BufferedResponse;
///     type File = Vec<u8>;
///     type Signal = ();
///     type Cause = String;
///
///     async fn send(&self, req: HttpRequest<'_, Vec<u8>>, _: Option<&()>) -> Result<BufferedResponse, Failure<String>> {
///         // req.method, req.url, req.headers (the key's among them), req.body, req.timeout_ms
///         assert_eq!(req.url, "https://asyntai.com/api/v1/websites/");
///         Ok(BufferedResponse::json(200, r#"{"success":true,"websites":[{"id":1,"name":"Main","domain":"example.com","is_primary":true}]}"#))
///     }
///     async fn sleep(&self, _ms: f64, _: Option<&()>) {} // the retry loop's waits
///     fn is_aborted(&self, _: Option<&()>) -> bool {
///         false
///     }
///     fn now_ms(&self) -> f64 {
///         1_767_225_600_000.0 // the wall clock, for Retry-After dates
///     }
///     fn random(&self) -> f64 {
///         0.5 // the backoff's jitter, in [0, 1)
///     }
///     fn describe(cause: &String) -> String {
///         cause.clone()
///     }
/// }
///
/// let client = Client::builder("sk_test").transport(Canned).build()?;
/// let sites = block_on(client.websites().list())?;
/// assert_eq!(sites.websites[0].domain, "example.com");
/// # Ok::<(), asyntai_edge::Error>(())
/// ```
pub trait Transport {
    /// An answer.
    type Response: Response;
    /// A spreadsheet's bytes as this transport holds them.
    type File: SpreadsheetFile;
    /// The caller's abort signal (JavaScript's `AbortSignal`); Rust callers cancel by dropping the future.
    type Signal;
    /// What a failed attempt carries (a JavaScript error, a message).
    type Cause;

    /// Sends one attempt and reads its whole body, within `req.timeout_ms`.
    fn send(
        &self,
        req: HttpRequest<'_, Self::File>,
        signal: Option<&Self::Signal>,
    ) -> impl Future<Output = Result<Self::Response, Failure<Self::Cause>>>;

    /// Waits `ms` milliseconds (less when `signal` aborts).
    fn sleep(&self, ms: f64, signal: Option<&Self::Signal>) -> impl Future<Output = ()>;

    /// Whether `signal` has aborted.
    fn is_aborted(&self, signal: Option<&Self::Signal>) -> bool;

    /// Milliseconds since the Unix epoch (for `Retry-After` dates).
    fn now_ms(&self) -> f64;

    /// A number in [0, 1) (the backoff's jitter).
    fn random(&self) -> f64;

    /// What a cause says, for [`crate::Error::Connection`]'s `cause`.
    fn describe(cause: &Self::Cause) -> String;

    /// The transport a client gets when none is given.
    ///
    /// # Errors
    /// [`crate::Error::Config`] when this target has none.
    fn default_transport() -> Result<Self, crate::Error>
    where
        Self: Sized,
    {
        Err(crate::Error::config(
            "asyntai-edge has no HTTP transport on this target: give one with ClientBuilder::transport \
             (the fetch transport is wasm32's)",
        ))
    }
}

/// How the body of a 2xx answer becomes the caller's value.
pub trait Decode<R> {
    /// The value.
    type Output;
    /// The value of a 2xx answer whose body is the JSON object the API promises and does not say
    /// `success: false`; `Ok(None)` when it is anything else (the client then classifies it).
    ///
    /// # Errors
    /// A message when the body is such an object but cannot be read as the value (a Rust type).
    fn decode(resp: &R) -> Result<Option<Self::Output>, String>;
    /// What a (redacted) body is, for the classifier.
    fn view(text: &str) -> BodyView;
}

/// Rust callers' decoder: serde_json into a response struct.
#[derive(Debug)]
pub struct Typed<T>(core::marker::PhantomData<T>);

impl<R: Response, T: serde::de::DeserializeOwned> Decode<R> for Typed<T> {
    type Output = T;
    fn decode(resp: &R) -> Result<Option<T>, String> {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&resp.text()) else { return Ok(None) };
        if !BodyView::of_json(Some(&value)).is_success() {
            return Ok(None);
        }
        T::deserialize(value).map(Some).map_err(|e| {
            format!("the API answered {} with a body this client cannot read: {e}", resp.status())
        })
    }
    fn view(text: &str) -> BodyView {
        BodyView::of_json(serde_json::from_str::<serde_json::Value>(text).ok().as_ref())
    }
}

/// The transport of a client built without one on a target that has none (natively): every build
/// fails with [`crate::Error::Config`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTransport;

/// An answer [`NoTransport`] never gives.
#[derive(Debug, Clone, Copy)]
pub struct NoResponse;

impl Response for NoResponse {
    fn status(&self) -> u16 {
        0
    }
    fn header(&self, _: &str) -> Option<String> {
        None
    }
    fn headers(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    fn text(&self) -> String {
        String::new()
    }
}

impl Transport for NoTransport {
    type Response = NoResponse;
    type File = Vec<u8>;
    type Signal = ();
    type Cause = ();
    async fn send(&self, _: HttpRequest<'_, Vec<u8>>, _: Option<&()>) -> Result<NoResponse, Failure<()>> {
        Err(Failure::Network(()))
    }
    async fn sleep(&self, _: f64, _: Option<&()>) {}
    fn is_aborted(&self, _: Option<&()>) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn random(&self) -> f64 {
        0.0
    }
    fn describe(_: &()) -> String {
        "no transport".into()
    }
}

/// The transport `Client::builder(..).build()` uses: `fetch` on wasm32 (JavaScript hosts), wasi:http
/// on wasm32-wasip2, none elsewhere.
#[cfg(all(target_arch = "wasm32", not(target_os = "wasi"), feature = "client"))]
pub type DefaultTransport = fetch::FetchTransport;
/// The transport `Client::builder(..).build()` uses: `fetch` on wasm32 (JavaScript hosts), wasi:http
/// on wasm32-wasip2, none elsewhere.
#[cfg(all(target_os = "wasi", target_env = "p2", feature = "client"))]
pub type DefaultTransport = wasi::WasiTransport;
/// The transport `Client::builder(..).build()` uses: `fetch` on wasm32 (JavaScript hosts), wasi:http
/// on wasm32-wasip2, none elsewhere.
#[cfg(not(any(all(target_arch = "wasm32", not(target_os = "wasi")), all(target_os = "wasi", target_env = "p2"))))]
pub type DefaultTransport = NoTransport;

struct NoopWake;

impl std::task::Wake for NoopWake {
    fn wake(self: std::sync::Arc<Self>) {}
}

/// Runs a future that never really waits to its end, with no executor: the client over the sandbox
/// ([`mock::MockTransport`], feature `mock`) or over a test transport of your own, in a plain `#[test]`.
/// It polls the future with a waker that does nothing until it is ready.
///
/// ```
/// # #[cfg(feature = "mock")] {
/// use asyntai_edge::transport::{block_on, mock::MockTransport};
/// use asyntai_edge::{ChatRequest, Client};
///
/// let client = Client::builder("test_key").transport(MockTransport::default()).build()?;
/// let answer = block_on(client.chat().send(ChatRequest { message: "Hello".into(), ..Default::default() }))?;
/// assert!(!answer.session_id.is_empty());
/// # }
/// # Ok::<(), asyntai_edge::Error>(())
/// ```
///
/// # Panics
/// When the future is still pending after 10,000 polls: something in it waits for a wake-up that never
/// comes (a real timer or socket: run it on a real executor instead).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let waker = std::task::Waker::from(std::sync::Arc::new(NoopWake));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    for _ in 0..10_000 {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("block_on: the future stayed pending after 10,000 polls (it waits for a real wake-up)");
}
