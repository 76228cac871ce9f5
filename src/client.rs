//! The async client: [`Client`], its builder, the resource handles, the retry loop and the redaction
//! of the API key. Generic over a [`Transport`], so the whole call path runs natively in `cargo test`
//! (the in-process sandbox, scripted faults, a virtual clock) and on wasm32 over `fetch`.
//!
//! ```no_run
//! # async fn run() -> Result<(), asyntai_edge::Error> {
//! use asyntai_edge::{ChatRequest, Client, Error};
//!
//! let client = Client::builder("sk_...").max_retries(2).build()?;
//! let answer = client.chat().send(ChatRequest { message: "When are you open?".into(), ..Default::default() }).await?;
//! println!("{} ({})", answer.response, answer.session_id);
//! match client.account().get().await {
//!     Err(Error::Api(e)) if e.status == 401 => eprintln!("bad key: {:?}", e.error),
//!     other => { other?; }
//! }
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::rc::Rc;
use std::time::Duration;

use crate::api::{
    self, classify, ApiRequest, Body, Operation, Paged, Pager, Request, UploadSpreadsheetRequest,
};
use crate::error::Error;
use crate::retry::{self, Decision, Outcome};
use crate::transport::{Decode, DefaultTransport, Failure, HttpBody, HttpRequest, Response, Transport, Typed};

/// The API's address.
pub const DEFAULT_BASE_URL: &str = "https://asyntai.com/api/v1/";
/// Milliseconds per attempt.
pub const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
/// Retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// What every error says instead of the key.
const REDACTED: &str = "[redacted]";

/// How much of a body that is not a success is read, in bytes: the API's own error bodies are a few
/// hundred bytes, and in wasm a copy grows the module's memory for good (a 50 MB error page left it at
/// 163 MB). The rest is cut, and the body ends with [`CUT`].
pub const MAX_ERROR_BODY: usize = 1 << 20;

/// What ends a body that was cut at [`MAX_ERROR_BODY`].
pub const CUT: &str = "[cut: the body was longer than 1 MiB]";

/// The API key in every spelling a text may hold it in (JSON escapes `/` as `\/` in some writers,
/// `"` and `\` always): derived once, redacted from every string an error carries.
#[derive(Clone)]
pub struct Redactor {
    spellings: Vec<String>,
}

impl core::fmt::Debug for Redactor {
    // Never prints the key it redacts.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Redactor").field("spellings", &self.spellings.len()).finish()
    }
}

impl Redactor {
    /// For this key.
    pub fn new(key: &str) -> Self {
        let mut spellings = vec![key.to_owned()];
        for s in [key.replace('/', "\\/"), key.replace('\\', "\\\\").replace('"', "\\\"")] {
            if !spellings.contains(&s) {
                spellings.push(s);
            }
        }
        Redactor { spellings }
    }

    /// Whether `text` holds the key.
    pub fn mentions(&self, text: &str) -> bool {
        self.spellings.iter().any(|k| find(text, k).is_some())
    }

    /// A body cut at [`MAX_ERROR_BODY`] with the key redacted, the start of the key the cut may have
    /// left at its end dropped, and [`CUT`] after.
    pub fn redact_cut(&self, text: &str) -> String {
        let mut out = self.redact(text).into_owned();
        for k in &self.spellings {
            // the longest start of the key (never all of it: that was redacted) that ends the text
            let mut n = k.len();
            while n > 1 {
                n -= 1;
                if k.get(..n).is_some_and(|start| out.ends_with(start)) {
                    out.truncate(out.len() - n);
                    break;
                }
            }
        }
        out.push_str(CUT);
        out
    }

    /// `text` with the key replaced by `[redacted]`.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.mentions(text) {
            return Cow::Borrowed(text);
        }
        let mut out = text.to_owned();
        for k in &self.spellings {
            let mut rest = out.as_str();
            let mut next = String::with_capacity(out.len());
            while let Some((before, after)) = find(rest, k).and_then(|at| Some((rest.get(..at)?, rest.get(at + k.len()..)?))) {
                next.push_str(before);
                next.push_str(REDACTED);
                rest = after;
            }
            next.push_str(rest);
            out = next;
        }
        Cow::Owned(out)
    }

    /// The error with the key redacted from every string it carries.
    pub fn scrub(&self, e: Error) -> Error {
        let r = |s: String| match self.redact(&s) {
            Cow::Borrowed(_) => s,
            Cow::Owned(o) => o,
        };
        match e {
            Error::Validation { field, message } => Error::Validation { field: r(field), message: r(message) },
            Error::Config { message } => Error::Config { message: r(message) },
            Error::Connection { message, cause } => Error::Connection { message: r(message), cause: cause.map(r) },
            Error::Timeout { message } => Error::Timeout { message: r(message) },
            Error::Api(mut a) => {
                a.message = r(a.message);
                a.error = a.error.map(r);
                a.body = r(a.body);
                for (k, v) in &mut a.headers {
                    *k = r(core::mem::take(k));
                    *v = r(core::mem::take(v));
                }
                Error::Api(a)
            }
            other => other,
        }
    }
}

/// Where `needle` first starts in `text` (a byte offset), for a non-empty `needle`.
///
/// `str::find(&str)` would do, but its searcher brings std's string-slicing panic, which formats
/// `char`s with `Debug` (Unicode's printable tables): ~4 kB of the wasm for a key-sized needle.
pub(crate) fn find(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    text.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// A header name must be an HTTP token; a value Latin-1 without CR, LF or NUL (what `fetch` takes,
/// and nothing that could split a header). Returns the name in lower case.
///
/// # Errors
/// [`Error::Validation`] naming `where_` (`defaultHeaders`, `headers`) or the header.
pub fn check_header(where_: &str, name: &str, value: &str) -> Result<String, Error> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(Error::validation(
            where_,
            cat!("`", where_, "` holds a header name that is not an HTTP token (no CR, LF or NUL, spaces or separators)"),
        ));
    }
    let key = name.to_ascii_lowercase();
    if !value.chars().all(|c| c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c)) {
        return Err(Error::validation(
            cat!(where_, ".", key),
            cat!("header `", where_, ".", key, "` must not contain CR, LF or NUL, nor characters beyond Latin-1"),
        ));
    }
    Ok(key)
}

/// Sets (or, with `None`, removes) headers in `list`, checking each.
///
/// # Errors
/// See [`check_header`].
pub fn merge_headers(list: &mut Vec<(String, String)>, where_: &str, extra: &[(String, Option<String>)]) -> Result<(), Error> {
    for (name, value) in extra {
        let key = check_header(where_, name, value.as_deref().unwrap_or(""))?;
        // the list's names are unique (each is added here): one to replace at most
        if let Some(at) = list.iter().position(|(k, _)| *k == key) {
            list.remove(at);
        }
        if let Some(v) = value {
            list.push((key, v.clone()));
        }
    }
    Ok(())
}

/// Per-call options: a Rust caller's (see [`Client::with_options`]).
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// This call's timeout per attempt.
    pub timeout: Option<Duration>,
    /// This call's retries.
    pub max_retries: Option<u32>,
    /// Extra headers (`None` removes one the client would send).
    pub headers: Vec<(String, Option<String>)>,
    /// Extra query parameters, sent as given (not the documented ones: those have their fields).
    pub query: Vec<(String, String)>,
    /// Extra top-level fields of a JSON body, sent as given (not the documented ones).
    pub body: serde_json::Map<String, serde_json::Value>,
}

/// One call's settings, resolved.
#[derive(Debug)]
pub struct CallSettings<S> {
    /// Milliseconds per attempt.
    pub timeout_ms: f64,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Extra headers of this call.
    pub headers: Vec<(String, Option<String>)>,
    /// The caller's abort signal.
    pub signal: Option<S>,
}

/// A call failed: the error, and what the transport said when that is why (a JavaScript caller gets
/// the original as `cause`).
#[derive(Debug)]
pub struct CallError<C> {
    /// The error, the key redacted.
    pub error: Error,
    /// The transport's cause of a connection error.
    pub cause: Option<C>,
}

impl<C> From<Error> for CallError<C> {
    fn from(error: Error) -> Self {
        CallError { error, cause: None }
    }
}

/// The multipart upload's file part, as a call passes it.
#[derive(Debug)]
pub struct FilePart<'a, F> {
    /// The bytes.
    pub file: &'a F,
    /// Its name.
    pub filename: String,
    /// Its media type when it has none.
    pub content_type: &'static str,
}

struct Inner<T> {
    transport: T,
    base: String,
    timeout_ms: f64,
    max_retries: u32,
    redactor: Redactor,
    /// The standard header sets: [no body, JSON body, multipart body].
    headers: [Vec<(String, String)>; 3],
}

/// The Asyntai API client. Cheap to clone (the clones share one configuration).
pub struct Client<T = DefaultTransport> {
    inner: Rc<Inner<T>>,
    /// [`Client::with_options`]'s, if any: behind a trait object made only there, so that a program
    /// that never calls it (the npm package's wasm) holds no code to drop a JSON map.
    options: Option<Rc<dyn AsOptions>>,
}

trait AsOptions {
    fn get(&self) -> &RequestOptions;
}

impl AsOptions for RequestOptions {
    fn get(&self) -> &RequestOptions {
        self
    }
}

impl<T> Clone for Client<T> {
    fn clone(&self) -> Self {
        Client { inner: self.inner.clone(), options: self.options.clone() }
    }
}

impl<T> core::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("timeout_ms", &self.inner.timeout_ms)
            .field("max_retries", &self.inner.max_retries)
            .field("api_key", &REDACTED)
            .finish()
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder<T = DefaultTransport> {
    api_key: String,
    base_url: Option<String>,
    timeout_ms: f64,
    max_retries: u32,
    default_headers: Vec<(String, Option<String>)>,
    transport: Option<T>,
}

impl<T> core::fmt::Debug for ClientBuilder<T> {
    // Never prints the key (as `Client`'s Debug).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("api_key", &REDACTED)
            .finish()
    }
}

impl Client<DefaultTransport> {
    /// A builder for a client with this API key. On wasm32 the client calls the runtime's `fetch`; in
    /// tests, give it the sandbox ([`ClientBuilder::transport`] with
    /// `transport::mock::MockTransport`, feature `mock`).
    ///
    /// # Example
    /// ```no_run
    /// # async fn run(api_key: String) -> Result<(), asyntai_edge::Error> {
    /// use std::time::Duration;
    /// use asyntai_edge::Client;
    ///
    /// let client = Client::builder(api_key)
    ///     .timeout(Duration::from_secs(20))
    ///     .max_retries(3)
    ///     .default_header("x-request-source", Some("edge".into()))
    ///     .build()?;
    /// let sites = client.websites().list().await?;
    /// # Ok(()) }
    /// ```
    pub fn builder(api_key: impl Into<String>) -> ClientBuilder<DefaultTransport> {
        ClientBuilder {
            api_key: api_key.into(),
            base_url: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            max_retries: DEFAULT_MAX_RETRIES,
            default_headers: Vec::new(),
            transport: None,
        }
    }
}

impl<T: Transport> ClientBuilder<T> {
    /// The API's base URL (default `https://asyntai.com/api/v1/`), with or without its trailing slash.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The timeout of each attempt, the body's download included (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout_ms = timeout.as_secs_f64() * 1000.0;
        self
    }

    /// The timeout of each attempt in milliseconds (JavaScript's `timeout` option).
    pub fn timeout_ms(mut self, ms: f64) -> Self {
        self.timeout_ms = ms;
        self
    }

    /// Retries after the first attempt (default 2), for what the retry policy retries.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// A header sent with every request (`None` removes one the client would send).
    pub fn default_header(mut self, name: impl Into<String>, value: Option<String>) -> Self {
        self.default_headers.push((name.into(), value));
        self
    }

    /// The transport to use (default: `fetch` on wasm32).
    pub fn transport<U: Transport>(self, transport: U) -> ClientBuilder<U> {
        ClientBuilder {
            api_key: self.api_key,
            base_url: self.base_url,
            timeout_ms: self.timeout_ms,
            max_retries: self.max_retries,
            default_headers: self.default_headers,
            transport: Some(transport),
        }
    }

    /// The client.
    ///
    /// # Errors
    /// [`Error::Config`] for a missing key, a key an HTTP header cannot carry, a base URL that is not
    /// an absolute http(s) URL, a timeout that is not a positive number, no transport;
    /// [`Error::Validation`] for a default header `fetch` would refuse.
    pub fn build(self) -> Result<Client<T>, Error> {
        let key = self.api_key;
        if key.trim().is_empty() {
            return Err(Error::config(
                "The `apiKey` option is missing or empty: pass new Asyntai({ apiKey }) or set the ASYNTAI_API_KEY environment variable.",
            ));
        }
        if !key.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(Error::config(
                "The `apiKey` option holds characters an HTTP header cannot carry (spaces, line breaks or non-ASCII): check how it was copied.",
            ));
        }
        let redactor = Redactor::new(&key);
        let base = self.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        if api::parse_http_url(&base).is_none() {
            return Err(redactor.scrub(Error::config(
                "The `baseURL` option must be an absolute URL, e.g. \"https://asyntai.com/api/v1/\".",
            )));
        }
        let base = if base.ends_with('/') { base } else { base + "/" };
        if !(self.timeout_ms.is_finite() && self.timeout_ms > 0.0) {
            return Err(Error::config("`timeout` must be a positive number"));
        }
        let mut standard = vec![("accept".to_owned(), "application/json".to_owned()), ("authorization".to_owned(), cat!("Bearer ", key))];
        let mut json = standard.clone();
        json.push(("content-type".to_owned(), "application/json".to_owned()));
        let mut multipart = standard.clone();
        for list in [&mut standard, &mut json, &mut multipart] {
            merge_headers(list, "defaultHeaders", &self.default_headers).map_err(|e| redactor.scrub(e))?;
        }
        let transport = match self.transport {
            Some(t) => t,
            None => T::default_transport()?,
        };
        Ok(Client {
            inner: Rc::new(Inner {
                transport,
                base,
                timeout_ms: self.timeout_ms,
                max_retries: self.max_retries,
                redactor,
                headers: [standard, json, multipart],
            }),
            options: None,
        })
    }
}

impl<T: Transport> Client<T> {
    /// The base URL requests go to (with its trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.inner.transport
    }

    /// The client's redactor (the key's spellings).
    pub fn redactor(&self) -> &Redactor {
        &self.inner.redactor
    }

    fn options(&self) -> Option<&RequestOptions> {
        self.options.as_deref().map(AsOptions::get)
    }

    /// A client sharing this one's configuration whose calls use `options`.
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use std::time::Duration;
    /// use asyntai_edge::{ChatRequest, RequestOptions};
    ///
    /// // for the calls of `quick` only: 5 s per attempt, no retry
    /// let quick = client.with_options(RequestOptions { timeout: Some(Duration::from_secs(5)), max_retries: Some(0), ..Default::default() });
    /// let answer = quick.chat().send(ChatRequest { message: "Hi".into(), ..Default::default() }).await?;
    /// println!("{}", answer.response);
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Self {
        Client { inner: self.inner.clone(), options: Some(Rc::new(options)) }
    }

    /// This client's settings for one call, with the caller's overrides.
    pub fn settings<S>(&self, timeout_ms: Option<f64>, max_retries: Option<u32>, headers: Vec<(String, Option<String>)>, signal: Option<S>) -> CallSettings<S> {
        CallSettings {
            timeout_ms: timeout_ms.unwrap_or(self.inner.timeout_ms),
            max_retries: max_retries.unwrap_or(self.inner.max_retries),
            headers,
            signal,
        }
    }

    /// Validates `op` and builds its request, with the escape hatch's extra query parameters and body
    /// fields (which may not name a documented field).
    ///
    /// # Errors
    /// [`Error::Validation`], the key redacted; nothing is sent.
    pub fn prepare(&self, op: &dyn Request, query: &[(String, String)], body: Option<(&[String], &str)>) -> Result<ApiRequest, Error> {
        self.try_prepare(op, query, body).map_err(|e| self.inner.redactor.scrub(e))
    }

    fn try_prepare(&self, op: &dyn Request, query: &[(String, String)], body: Option<(&[String], &str)>) -> Result<ApiRequest, Error> {
        op.validate()?;
        let mut req = op.build();
        let wire_fields = op.wire_fields();
        for (k, v) in query {
            if wire_fields.contains(&k.as_str()) {
                return Err(Error::validation(cat!("query.", k), cat!("`query.", k, "` is a documented parameter: pass it as `", k, "`")));
            }
            if k.is_empty() || crate::api::rules::has_control(k) || crate::api::rules::has_control(v) {
                return Err(Error::validation("query", "`query` names and values must be non-empty and hold no control characters"));
            }
        }
        req.push_query(query);
        if let Some((keys, text)) = body {
            if let Some(k) = keys.iter().find(|k| wire_fields.contains(&k.as_str())) {
                return Err(Error::validation(cat!("body.", k), cat!("`body.", k, "` is a documented parameter: pass it as `", k, "`")));
            }
            req.merge_body(text)?;
        }
        Ok(req)
    }

    /// Sends a prepared request, with retries, and decodes the answer with `D`. The key is redacted
    /// from every error.
    ///
    /// # Errors
    /// [`Error::Api`], [`Error::Connection`], [`Error::Timeout`], [`Error::Aborted`].
    pub async fn execute<D: Decode<T::Response>>(
        &self,
        req: &ApiRequest,
        file: Option<FilePart<'_, T::File>>,
        settings: &CallSettings<T::Signal>,
    ) -> Result<D::Output, CallError<T::Cause>> {
        let inner = &*self.inner;
        let t = &inner.transport;
        let signal = settings.signal.as_ref();
        let mut url = String::with_capacity(inner.base.len() + req.path.len());
        url.push_str(&inner.base);
        url.push_str(&req.path);
        let set = match &req.body {
            Body::None => 0,
            Body::Json(_) => 1,
            Body::Multipart(_) => 2,
        };
        let custom;
        let (headers, standard) = if settings.headers.is_empty() {
            (&inner.headers[set], Some(set))
        } else {
            let mut list = inner.headers[set].clone();
            merge_headers(&mut list, "headers", &settings.headers).map_err(|e| inner.redactor.scrub(e))?;
            custom = list;
            (&custom, None)
        };
        if matches!(req.body, Body::Multipart(_)) && file.is_none() {
            return Err(Error::validation("file", "`file` is required").into());
        }
        let mut retries = 0u32;
        loop {
            if t.is_aborted(signal) {
                return Err(Error::Aborted.into());
            }
            let body = match (&req.body, &file) {
                (Body::Json(text), _) => HttpBody::Json(text),
                (Body::Multipart(fields), Some(f)) => HttpBody::Multipart {
                    fields,
                    file: f.file,
                    filename: &f.filename,
                    content_type: f.content_type,
                },
                _ => HttpBody::Empty,
            };
            let attempt = HttpRequest { method: req.method, url: &url, headers, standard_headers: standard, body, timeout_ms: settings.timeout_ms };
            let (outcome, error, retry_after) = match t.send(attempt, signal).await {
                Err(Failure::Aborted) => return Err(Error::Aborted.into()),
                Err(Failure::Timeout) => (
                    Outcome::Timeout,
                    CallError { error: Error::Timeout { message: cat!("Request timed out after ", api::number_text(settings.timeout_ms), " ms.") }, cause: None },
                    None,
                ),
                Err(Failure::Network(cause)) => {
                    let said = inner.redactor.redact(&T::describe(&cause)).into_owned();
                    let error = Error::Connection {
                        message: "Connection error: the request could not be completed.".into(),
                        cause: Some(said).filter(|s| !s.is_empty()),
                    };
                    (Outcome::Network, CallError { error, cause: Some(cause) }, None)
                }
                Ok(resp) => {
                    let status = resp.status();
                    if (200..300).contains(&status) {
                        match D::decode(&resp) {
                            Ok(Some(value)) => return Ok(value),
                            Ok(None) => {}
                            Err(message) => {
                                return Err(Error::Connection { message: inner.redactor.redact(&message).into_owned(), cause: None }.into())
                            }
                        }
                    }
                    self.failed::<D>(&resp, status)
                }
            };
            match retry::decide(retries, settings.max_retries, req.method, outcome, retry_after, t.random()) {
                Decision::Retry(ms) => {
                    t.sleep(ms, signal).await;
                    retries += 1;
                }
                Decision::Stop => return Err(error),
            }
        }
    }

    /// What an answer that is not a success (or a 2xx body the decoder refused) makes: its outcome for
    /// the retry policy, the error, its `Retry-After`. Out of the call's future, which it would
    /// otherwise lengthen on the path every successful call runs.
    #[cold]
    #[inline(never)]
    fn failed<D: Decode<T::Response>>(&self, resp: &T::Response, status: u16) -> (Outcome, CallError<T::Cause>, Option<f64>) {
        let (text, more) = resp.text_prefix(MAX_ERROR_BODY);
        let text = if more { self.inner.redactor.redact_cut(&text) } else { self.inner.redactor.redact(&text).into_owned() };
        let view = D::view(&text);
        let retry_after = resp.header("retry-after").and_then(|v| retry::parse_retry_after(&v, self.inner.transport.now_ms()));
        let error = match classify(status, &view, &text) {
            Err(Error::Api(mut a)) => {
                a.retry_after = retry_after;
                a.headers = resp.headers();
                a.body = text;
                self.inner.redactor.scrub(Error::Api(a))
            }
            Err(e) => self.inner.redactor.scrub(e),
            // The decoder and the classifier disagree (a body JavaScript and serde read
            // differently): say so rather than hand back a value the caller cannot use.
            Ok(()) => Error::Connection { message: cat!("the API answered ", crate::text::int(status.into()), " with a body that could not be read"), cause: None },
        };
        let outcome = if matches!(error, Error::Connection { .. }) { Outcome::Network } else { Outcome::Status(status) };
        (outcome, error.into(), retry_after)
    }

    /// Validates, sends and decodes one operation: the Rust API's call.
    async fn call<O: Operation>(&self, op: &O) -> Result<O::Response, Error> {
        let req = self.prepare_with_options(op)?;
        let settings = self.rust_settings()?;
        self.execute::<Typed<O::Response>>(&req, None, &settings).await.map_err(|e| self.rust_error(e))
    }

    /// [`Client::prepare`] with this client's per-call `query` and `body`.
    fn prepare_with_options<O: Operation>(&self, op: &O) -> Result<ApiRequest, Error> {
        let Some(o) = self.options() else { return self.prepare(op, &[], None) };
        let body = serde_json::to_string(&o.body).unwrap_or_default();
        let keys: Vec<String> = o.body.keys().cloned().collect();
        self.prepare(op, &o.query, (!o.body.is_empty()).then_some((keys.as_slice(), body.as_str())))
    }

    fn rust_settings(&self) -> Result<CallSettings<T::Signal>, Error> {
        let Some(o) = self.options() else { return Ok(self.settings(None, None, Vec::new(), None)) };
        if o.timeout.is_some_and(|d| d.is_zero()) {
            // as the builder's: an attempt with no time at all would time out at once
            return Err(Error::validation("timeout", "`timeout` must be a positive duration"));
        }
        Ok(self.settings(o.timeout.map(|d| d.as_secs_f64() * 1000.0), o.max_retries, o.headers.clone(), None))
    }

    /// The Rust caller's error: its body's JSON-decoded strings redacted too (a key the server echoed
    /// as `\u0073k_...` is not in the text; JavaScript callers' bodies are scrubbed once parsed, in
    /// `src/wasm/errors.rs`, so this serde_json pass stays out of the npm package's wasm).
    fn rust_error(&self, e: CallError<T::Cause>) -> Error {
        match e.error {
            Error::Api(mut a) => {
                let r = &self.inner.redactor;
                a.redact_json_strings(|s| r.redact(s));
                Error::Api(a)
            }
            other => other,
        }
    }

    /// The spreadsheet upload (its file travels beside the request).
    async fn upload(&self, req: UploadSpreadsheetRequest<T::File>) -> Result<api::UploadSpreadsheetResponse, Error> {
        let api_req = self.prepare_with_options(&req)?;
        let settings = self.rust_settings()?;
        let part = FilePart { file: &req.file, filename: req.part_name(), content_type: req.part_type() };
        self.execute::<Typed<api::UploadSpreadsheetResponse>>(&api_req, Some(part), &settings).await.map_err(|e| self.rust_error(e))
    }

    /// `POST /chat/`
    pub fn chat(&self) -> ChatResource<'_, T> {
        ChatResource { client: self }
    }
    /// `GET /websites/`
    pub fn websites(&self) -> WebsitesResource<'_, T> {
        WebsitesResource { client: self }
    }
    /// `GET /conversations/`
    pub fn conversations(&self) -> ConversationsResource<'_, T> {
        ConversationsResource { client: self }
    }
    /// `GET /sessions/`
    pub fn sessions(&self) -> SessionsResource<'_, T> {
        SessionsResource { client: self }
    }
    /// `GET /leads/`
    pub fn leads(&self) -> LeadsResource<'_, T> {
        LeadsResource { client: self }
    }
    /// `GET /account/`
    pub fn account(&self) -> AccountResource<'_, T> {
        AccountResource { client: self }
    }
    /// `/knowledge/...`
    pub fn knowledge(&self) -> KnowledgeResource<'_, T> {
        KnowledgeResource { client: self }
    }
    /// `/webhooks/...`
    pub fn webhooks(&self) -> WebhooksResource<'_, T> {
        WebhooksResource { client: self }
    }
    /// `GET /tickets/`
    pub fn tickets(&self) -> TicketsResource<'_, T> {
        TicketsResource { client: self }
    }
}

macro_rules! resource {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name<'a, T> {
            client: &'a Client<T>,
        }
    };
}

resource!(
    /// `client.chat()`
    ChatResource
);
resource!(
    /// `client.websites()`
    WebsitesResource
);
resource!(
    /// `client.conversations()`
    ConversationsResource
);
resource!(
    /// `client.sessions()`
    SessionsResource
);
resource!(
    /// `client.leads()`
    LeadsResource
);
resource!(
    /// `client.account()`
    AccountResource
);
resource!(
    /// `client.knowledge()`
    KnowledgeResource
);
resource!(
    /// `client.webhooks()`
    WebhooksResource
);
resource!(
    /// `client.tickets()`
    TicketsResource
);

impl<T: Transport> ChatResource<'_, T> {
    /// `POST /chat/`: the AI's answer to a visitor's message.
    ///
    /// # Errors
    /// See [`Error`]; a message that is not sent (validation) is [`Error::Validation`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ChatRequest;
    ///
    /// let answer = client.chat().send(ChatRequest { message: "When are you open?".into(), ..Default::default() }).await?;
    /// println!("{}", answer.response);
    /// // the same session_id continues the conversation
    /// let more = ChatRequest { message: "And on Sundays?".into(), session_id: Some(answer.session_id.clone()), ..Default::default() };
    /// assert_eq!(client.chat().send(more).await?.session_id, answer.session_id);
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn send(&self, req: api::ChatRequest) -> Result<api::ChatResponse, Error> {
        self.client.call(&req).await
    }
}

impl<T: Transport> WebsitesResource<'_, T> {
    /// `GET /websites/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// for site in client.websites().list().await?.websites {
    ///     println!("{} {} {}", site.id, site.domain, if site.is_primary { "(primary)" } else { "" });
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn list(&self) -> Result<api::WebsiteList, Error> {
        self.client.call(&api::ListWebsitesRequest).await
    }
}

impl<T: Transport> ConversationsResource<'_, T> {
    /// `GET /conversations/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::{ChatRequest, ListConversationsRequest};
    ///
    /// let chat = client.chat().send(ChatRequest { message: "Hello".into(), ..Default::default() }).await?;
    /// let history = client.conversations().list(ListConversationsRequest { session_id: chat.session_id, limit: Some(50) }).await?;
    /// for m in &history.messages {
    ///     println!("{}: {}", m.role, m.content);
    /// }
    /// assert_eq!(history.messages.len(), 2); // the question and its answer
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn list(&self, req: api::ListConversationsRequest) -> Result<api::Conversation, Error> {
        self.client.call(&req).await
    }
}

impl<T: Transport> AccountResource<'_, T> {
    /// `GET /account/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// let account = client.account().get().await?.account;
    /// println!("{}: {} of {} messages used", account.plan, account.messages_used, account.messages_limit);
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn get(&self) -> Result<api::AccountResponse, Error> {
        self.client.call(&api::GetAccountRequest).await
    }
}

impl<'a, T: Transport> SessionsResource<'a, T> {
    /// `GET /sessions/`: one page.
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ListSessionsRequest;
    ///
    /// let page = client.sessions().list(ListSessionsRequest { limit: Some(20), source: Some("api".into()), ..Default::default() }).await?;
    /// for s in &page.sessions {
    ///     println!("{} {} messages: {}", s.session_id, s.message_count, s.first_message);
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn list(&self, req: api::ListSessionsRequest) -> Result<api::SessionList, Error> {
        self.client.call(&req).await
    }
    /// Every page, newest first, asked with `before`.
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ListSessionsRequest;
    ///
    /// let mut pages = client.sessions().pages(ListSessionsRequest { since: Some("2026-01-01".into()), ..Default::default() });
    /// while let Some(page) = pages.next_page().await {
    ///     for s in page?.sessions {
    ///         println!("{}", s.session_id);
    ///     }
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub fn pages(&self, req: api::ListSessionsRequest) -> Pages<'a, T, api::ListSessionsRequest> {
        Pages::new(self.client, req)
    }
}

impl<'a, T: Transport> LeadsResource<'a, T> {
    /// `GET /leads/`: one page.
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ListLeadsRequest;
    ///
    /// let found = client.leads().list(ListLeadsRequest { email: Some("ada@example.com".into()), ..Default::default() }).await?;
    /// println!("{} leads", found.leads.len());
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn list(&self, req: api::ListLeadsRequest) -> Result<api::LeadList, Error> {
        self.client.call(&req).await
    }
    /// Every page, newest first, asked with `before`.
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ListLeadsRequest;
    ///
    /// let every = client.leads().pages(ListLeadsRequest { since: Some("2026-01-01T00:00:00Z".into()), ..Default::default() }).all().await?;
    /// for lead in every {
    ///     println!("{:?} {:?}", lead.email, lead.phone);
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub fn pages(&self, req: api::ListLeadsRequest) -> Pages<'a, T, api::ListLeadsRequest> {
        Pages::new(self.client, req)
    }
}

impl<'a, T: Transport> TicketsResource<'a, T> {
    /// `GET /tickets/`: one page.
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ListTicketsRequest;
    ///
    /// let page = client.tickets().list(ListTicketsRequest { limit: Some(100), ..Default::default() }).await?;
    /// for t in &page.tickets {
    ///     println!("{} [{}] {}", t.ticket_number, t.status, t.subject);
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn list(&self, req: api::ListTicketsRequest) -> Result<api::TicketList, Error> {
        self.client.call(&req).await
    }
    /// Every page, newest first, asked with `before`.
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ListTicketsRequest;
    ///
    /// let mut pages = client.tickets().pages(ListTicketsRequest::default());
    /// while let Some(page) = pages.next_page().await {
    ///     println!("{} tickets", page?.tickets.len());
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub fn pages(&self, req: api::ListTicketsRequest) -> Pages<'a, T, api::ListTicketsRequest> {
        Pages::new(self.client, req)
    }
}

impl<T: Transport> KnowledgeResource<'_, T> {
    /// `GET /knowledge/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::ListKnowledgeRequest;
    ///
    /// for entry in client.knowledge().list(ListKnowledgeRequest::default()).await?.entries {
    ///     println!("{} {}: {}", entry.id, entry.kind, entry.title);
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn list(&self, req: api::ListKnowledgeRequest) -> Result<api::KnowledgeList, Error> {
        self.client.call(&req).await
    }
    /// `POST /knowledge/text/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::AddTextRequest;
    ///
    /// let entry = client
    ///     .knowledge()
    ///     .add_text(AddTextRequest { title: "Opening hours".into(), content: "We are open 9 to 17, Monday to Friday.".into(), ..Default::default() })
    ///     .await?;
    /// println!("{} ({} chunks)", entry.id, entry.chunks_created);
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn add_text(&self, req: api::AddTextRequest) -> Result<api::AddTextResponse, Error> {
        self.client.call(&req).await
    }
    /// `POST /knowledge/url/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::AddUrlRequest;
    ///
    /// let entry = client.knowledge().add_url(AddUrlRequest { url: "https://example.com/faq".into(), ..Default::default() }).await?;
    /// println!("{}: {}", entry.id, entry.title);
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn add_url(&self, req: api::AddUrlRequest) -> Result<api::AddUrlResponse, Error> {
        self.client.call(&req).await
    }
    /// `POST /knowledge/spreadsheet/` (multipart).
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// The file is the transport's: bytes here (the sandbox), `JsFile::from_bytes(..)` or a `Blob` over
    /// `fetch` on wasm32.
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::UploadSpreadsheetRequest;
    ///
    /// let csv = b"question,answer\nAre you open on Sundays?,No\n".to_vec();
    /// let upload = UploadSpreadsheetRequest { file: csv, filename: Some("faq.csv".into()), ..Default::default() };
    /// let entry = client.knowledge().upload_spreadsheet(upload).await?;
    /// println!("{} rows", entry.rows_processed);
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn upload_spreadsheet(&self, req: UploadSpreadsheetRequest<T::File>) -> Result<api::UploadSpreadsheetResponse, Error> {
        self.client.upload(req).await
    }
    /// `DELETE /knowledge/{id}/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::AddTextRequest;
    ///
    /// let added = AddTextRequest { title: "Old hours".into(), content: "We were open 8 to 16.".into(), ..Default::default() };
    /// let id = client.knowledge().add_text(added).await?.id;
    /// client.knowledge().delete(&id).await?;
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn delete(&self, id: &str) -> Result<api::DeleteResponse, Error> {
        self.client.call(&api::DeleteKnowledgeRequest { id: id.to_owned() }).await
    }
}

impl<T: Transport> WebhooksResource<'_, T> {
    /// `GET /webhooks/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// for hook in client.webhooks().list().await?.webhooks {
    ///     println!("{} {} {:?}", hook.id, hook.url, hook.events);
    /// }
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn list(&self) -> Result<api::WebhookEndpointList, Error> {
        self.client.call(&api::ListWebhooksRequest).await
    }
    /// `POST /webhooks/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::CreateWebhookRequest;
    ///
    /// let req = CreateWebhookRequest {
    ///     url: "https://example.com/webhooks/asyntai".into(),
    ///     events: vec!["lead.captured".into(), "message.received".into()],
    ///     ..Default::default()
    /// };
    /// let created = client.webhooks().create(req).await?.webhook;
    /// // keep created.secret (whsec_...): Webhook::new(&secret) verifies what this endpoint receives
    /// assert!(created.secret.starts_with("whsec_"));
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn create(&self, req: api::CreateWebhookRequest) -> Result<api::CreateWebhookResponse, Error> {
        self.client.call(&req).await
    }
    /// `DELETE /webhooks/{id}/`
    ///
    /// # Errors
    /// See [`Error`].
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "mock")] asyntai_edge::transport::block_on(async {
    /// # let client = asyntai_edge::Client::builder("test_key").transport(asyntai_edge::transport::mock::MockTransport::default()).build()?;
    /// use asyntai_edge::CreateWebhookRequest;
    ///
    /// let req = CreateWebhookRequest { url: "https://example.com/hook".into(), events: vec!["lead.captured".into()], ..Default::default() };
    /// let id = client.webhooks().create(req).await?.webhook.id;
    /// client.webhooks().delete(&id).await?;
    /// assert!(client.webhooks().list().await?.webhooks.is_empty());
    /// # Ok::<(), asyntai_edge::Error>(()) })?;
    /// # Ok::<(), asyntai_edge::Error>(())
    /// ```
    pub async fn delete(&self, id: &str) -> Result<api::DeleteResponse, Error> {
        self.client.call(&api::webhooks::DeleteWebhookRequest { id: id.to_owned() }).await
    }
}

/// Every page of a list, newest first: each next page is asked with `before` = the oldest cursor of
/// the last one, until a short page; no page is asked twice.
#[derive(Debug)]
pub struct Pages<'a, T, R> {
    client: &'a Client<T>,
    next: Option<R>,
    pager: Pager,
}

impl<'a, T: Transport, R: Paged> Pages<'a, T, R> {
    fn new(client: &'a Client<T>, req: R) -> Self {
        let pager = Pager::new(req.limit().unwrap_or(R::DEFAULT_LIMIT), Paged::before(&req));
        Pages { client, next: Some(req), pager }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Option<Result<R::Response, Error>> {
        let mut req = self.next.take()?;
        match self.client.call(&req).await {
            Ok(mut page) => {
                let count = R::items(&page).len();
                let pager = &self.pager;
                R::items_mut(&mut page).retain(|item| pager.keep(R::cursor(item)));
                let items = R::items(&page);
                if let Some(before) = self.pager.next(count, items.iter().map(R::cursor)) {
                    *req.before_mut() = Some(before);
                    self.next = Some(req);
                }
                Some(Ok(page))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// Every item of every page.
    ///
    /// # Errors
    /// The first page that failed.
    pub async fn all(mut self) -> Result<Vec<R::Item>, Error>
    where
        R::Item: Clone,
    {
        let mut out = Vec::new();
        while let Some(page) = self.next_page().await {
            out.extend_from_slice(R::items(&page?));
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "client/tests.rs"]
mod tests;
