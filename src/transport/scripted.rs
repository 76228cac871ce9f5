//! A scripted transport on a virtual clock (tests only): each attempt takes the next [`Step`] of a
//! queue (an answer, a network error, a timeout, an answer slower than the attempt's timeout, the
//! caller aborting mid-call); every request and every sleep is recorded with the clock's time;
//! `sleep` moves the clock and returns at once, so retries and backoff run in no real time.
//!
//! [`block_on`] drives the client's futures, which never really wait on this transport.
//!
//! This file uses nothing private to the crate (only `crate::api` and `crate::transport`), so
//! `tests/fuzz.rs` includes it too, by path, for its property of the retry loop.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use crate::api::Method;
use crate::transport::{Failure, HttpBody, HttpRequest, Transport};

/// The caller's abort signal: a flag shared between the test and the transport.
pub type AbortFlag = Rc<Cell<bool>>;

/// A fresh, unset abort flag.
pub fn abort_flag() -> AbortFlag {
    Rc::new(Cell::new(false))
}

/// `2026-01-01T00:00:00Z` in milliseconds (`date -u -d 2026-01-01 +%s` = 1767225600): where the
/// virtual clock starts.
pub const START_MS: f64 = 1_767_225_600_000.0;

/// An answer of the scripted server.
pub use crate::transport::BufferedResponse as Reply;

/// How one attempt ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The server answers at once.
    Reply(Reply),
    /// The server answers after this many milliseconds: past the attempt's timeout, the attempt
    /// times out when its timeout is reached (the clock moves by the timeout), else the answer comes
    /// (the clock moves by the delay).
    Slow(f64, Reply),
    /// The connection fails (DNS, refused, reset), the transport saying this.
    Network(String),
    /// The attempt runs past its timeout (the clock moves by the timeout).
    Timeout,
    /// The caller aborts while the request is in flight: the flag is set, the attempt ends aborted.
    AbortDuringCall,
}

/// What a request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentBody {
    /// Nothing.
    Empty,
    /// JSON text.
    Json(String),
    /// multipart/form-data, as the transport was given it.
    Multipart {
        /// Text fields.
        fields: Vec<(String, String)>,
        /// The file part's bytes.
        file: Vec<u8>,
        /// Its name.
        filename: String,
        /// Its media type.
        content_type: String,
    },
}

/// One request as the transport got it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Every header, as the client gave them.
    pub headers: Vec<(String, String)>,
    /// Which of the client's standard header sets `headers` is, when it is one.
    pub standard_headers: Option<usize>,
    /// Body.
    pub body: SentBody,
    /// The attempt's timeout.
    pub timeout_ms: f64,
    /// The clock when it was sent.
    pub at_ms: f64,
}

impl Sent {
    /// A header's value (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// One sleep of the client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slept {
    /// The clock when it began.
    pub at_ms: f64,
    /// How long it was asked to be.
    pub ms: f64,
}

/// The transport. See the module's docs.
#[derive(Debug)]
pub struct ScriptedTransport {
    steps: RefCell<VecDeque<Step>>,
    sent: RefCell<Vec<Sent>>,
    sleeps: RefCell<Vec<Slept>>,
    now: Cell<f64>,
    random: Cell<f64>,
    abort_in_sleep: Cell<Option<usize>>,
}

impl ScriptedTransport {
    /// A transport playing `steps` in order, its clock at [`START_MS`], `random()` 0.
    pub fn new(steps: impl IntoIterator<Item = Step>) -> Self {
        ScriptedTransport {
            steps: RefCell::new(steps.into_iter().collect()),
            sent: RefCell::new(Vec::new()),
            sleeps: RefCell::new(Vec::new()),
            now: Cell::new(START_MS),
            random: Cell::new(0.0),
            abort_in_sleep: Cell::new(None),
        }
    }

    /// Adds a step at the end of the script.
    pub fn push(&self, step: Step) {
        self.steps.borrow_mut().push_back(step);
    }

    /// What `random()` returns from now on.
    pub fn set_random(&self, r: f64) {
        self.random.set(r);
    }

    /// The clock.
    pub fn now(&self) -> f64 {
        self.now.get()
    }

    /// The `n`-th sleep (0 = the first) is cut short: halfway through it the caller aborts.
    pub fn abort_during_sleep(&self, n: usize) {
        self.abort_in_sleep.set(Some(n));
    }

    /// Every request sent so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.borrow().clone()
    }

    /// How many requests were sent.
    pub fn attempts(&self) -> usize {
        self.sent.borrow().len()
    }

    /// Every sleep so far.
    pub fn sleeps(&self) -> Vec<Slept> {
        self.sleeps.borrow().clone()
    }

    /// Steps not played yet.
    pub fn remaining(&self) -> usize {
        self.steps.borrow().len()
    }

    fn advance(&self, ms: f64) {
        self.now.set(self.now.get() + ms);
    }
}

impl Transport for ScriptedTransport {
    type Response = Reply;
    type File = Vec<u8>;
    type Signal = AbortFlag;
    type Cause = String;

    async fn send(&self, req: HttpRequest<'_, Vec<u8>>, signal: Option<&AbortFlag>) -> Result<Reply, Failure<String>> {
        let body = match req.body {
            HttpBody::Empty => SentBody::Empty,
            HttpBody::Json(text) => SentBody::Json(text.to_owned()),
            HttpBody::Multipart { fields, file, filename, content_type } => SentBody::Multipart {
                fields: fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
                file: file.clone(),
                filename: filename.to_owned(),
                content_type: content_type.to_owned(),
            },
        };
        self.sent.borrow_mut().push(Sent {
            method: req.method,
            url: req.url.to_owned(),
            headers: req.headers.to_vec(),
            standard_headers: req.standard_headers,
            body,
            timeout_ms: req.timeout_ms,
            at_ms: self.now(),
        });
        if signal.is_some_and(|s| s.get()) {
            // A fetch with an aborted signal rejects at once.
            return Err(Failure::Aborted);
        }
        let step = self.steps.borrow_mut().pop_front();
        match step {
            None => panic!("the script ran out: attempt {} was not expected ({} {})", self.attempts(), req.method.as_str(), req.url),
            Some(Step::Reply(reply)) => Ok(reply),
            Some(Step::Slow(ms, reply)) if ms <= req.timeout_ms => {
                self.advance(ms);
                Ok(reply)
            }
            Some(Step::Slow(..) | Step::Timeout) => {
                self.advance(req.timeout_ms);
                Err(Failure::Timeout)
            }
            Some(Step::Network(message)) => Err(Failure::Network(message)),
            Some(Step::AbortDuringCall) => {
                if let Some(s) = signal {
                    s.set(true);
                }
                Err(Failure::Aborted)
            }
        }
    }

    async fn sleep(&self, ms: f64, signal: Option<&AbortFlag>) {
        let n = self.sleeps.borrow().len();
        self.sleeps.borrow_mut().push(Slept { at_ms: self.now(), ms });
        if self.abort_in_sleep.get() == Some(n) {
            self.advance(ms / 2.0);
            if let Some(s) = signal {
                s.set(true);
            }
            return;
        }
        self.advance(ms);
    }

    fn is_aborted(&self, signal: Option<&AbortFlag>) -> bool {
        signal.is_some_and(|s| s.get())
    }

    fn now_ms(&self) -> f64 {
        self.now()
    }

    fn random(&self) -> f64 {
        self.random.get()
    }

    fn describe(cause: &String) -> String {
        cause.clone()
    }
}

pub use crate::transport::block_on;
