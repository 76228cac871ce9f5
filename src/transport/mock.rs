//! The in-process sandbox as a transport: the client's whole call path against [`crate::mock::Mock`],
//! natively, with no network and a clock of its own.

use std::cell::{Cell, RefCell};

pub use super::block_on;
use super::{Failure, HttpBody, HttpRequest, Response, Transport};
use crate::mock::{Delivery, Mock};

/// A transport answering from a [`Mock`]. Its clock starts at `now_ms` and moves only when the
/// client sleeps (retries) or the test moves it ([`MockTransport::advance`]); deliveries the
/// sandbox asks for are kept ([`MockTransport::deliveries`]).
#[derive(Debug)]
pub struct MockTransport {
    mock: RefCell<Mock>,
    now: Cell<f64>,
    deliveries: RefCell<Vec<Delivery>>,
}

impl MockTransport {
    /// Over `mock`, its clock at `now_ms` (milliseconds since the Unix epoch).
    pub fn new(mock: Mock, now_ms: f64) -> Self {
        MockTransport { mock: RefCell::new(mock), now: Cell::new(now_ms), deliveries: RefCell::new(Vec::new()) }
    }

    /// Moves the clock forward.
    pub fn advance(&self, ms: f64) {
        self.now.set(self.now.get() + ms);
    }

    /// Every delivery the sandbox asked for so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.deliveries.borrow().clone()
    }
}

/// 2026-01-01T00:00:00Z, where [`MockTransport::default`]'s clock starts.
pub const DEFAULT_START_MS: f64 = 1_767_225_600_000.0;

impl Default for MockTransport {
    /// A sandbox with its default options (key `test_key`, the starter plan, one website), its clock at
    /// [`DEFAULT_START_MS`].
    fn default() -> Self {
        MockTransport::new(Mock::new(crate::mock::MockOptions::default()), DEFAULT_START_MS)
    }
}

/// An answer of the sandbox.
#[derive(Debug, Clone)]
pub struct MockAnswer {
    status: u16,
    body: String,
}

impl Response for MockAnswer {
    fn status(&self) -> u16 {
        self.status
    }
    fn header(&self, name: &str) -> Option<String> {
        (name == "content-type").then(|| "application/json".to_owned())
    }
    fn headers(&self) -> Vec<(String, String)> {
        vec![("content-type".into(), "application/json".into())]
    }
    fn text(&self) -> String {
        self.body.clone()
    }
}

/// multipart/form-data, as a browser's FormData writes it, with a fixed boundary.
pub fn multipart(fields: &[(&str, String)], file: &[u8], filename: &str, content_type: &str) -> (String, Vec<u8>) {
    super::multipart_body("----asyntai-edge-boundary-7d2f9c", fields, file, filename, content_type)
}

impl Transport for MockTransport {
    type Response = MockAnswer;
    type File = Vec<u8>;
    type Signal = ();
    type Cause = String;

    async fn send(&self, req: HttpRequest<'_, Vec<u8>>, _: Option<&()>) -> Result<MockAnswer, Failure<String>> {
        let mut headers: Vec<(String, String)> = req.headers.to_vec();
        let body = match req.body {
            HttpBody::Empty => Vec::new(),
            HttpBody::Json(text) => text.as_bytes().to_vec(),
            HttpBody::Multipart { fields, file, filename, content_type } => {
                let (ct, bytes) = multipart(fields, file, filename, content_type);
                headers.push(("content-type".into(), ct));
                bytes
            }
        };
        let answer = self.mock.borrow_mut().handle(req.method.as_str(), req.url, &headers, &body, self.now.get());
        self.deliveries.borrow_mut().extend(answer.deliveries);
        Ok(MockAnswer { status: answer.status, body: answer.body })
    }

    async fn sleep(&self, ms: f64, _: Option<&()>) {
        self.advance(ms);
    }

    fn is_aborted(&self, _: Option<&()>) -> bool {
        false
    }

    fn now_ms(&self) -> f64 {
        self.now.get()
    }

    fn random(&self) -> f64 {
        0.5
    }

    fn describe(cause: &String) -> String {
        cause.clone()
    }
}
