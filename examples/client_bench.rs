//! What a Rust API call costs the core, natively: `client.websites().list()` and `client.chat().send()`
//! through the whole call path (validation, the request, the retry loop, classifying the answer, serde
//! into the typed answer) over a transport that answers at once with a canned body, so the figure is
//! the client's own work, with no network and no JavaScript. `cargo run --release --example
//! client_bench` (part of `make bench`).

use std::cell::Cell;
use std::time::Instant;

use asyntai_edge::transport::{Failure, HttpRequest, Response, Transport};
use asyntai_edge::{ChatRequest, Client};

const SITES: &str = r#"{"success":true,"websites":[{"id":1,"name":"Main site","domain":"example.com","is_primary":true},{"id":2,"name":"Docs","domain":"docs.example.com","is_primary":false}]}"#;
const CHAT: &str = r#"{"success":true,"response":"Our business hours are Monday-Friday, 9 AM to 5 PM EST.","session_id":"s1"}"#;

/// Answers every request at once from the path: the canned success body.
struct Canned {
    sent: Cell<u64>,
}

struct Answer(&'static str);

impl Response for Answer {
    fn status(&self) -> u16 {
        200
    }
    fn header(&self, _: &str) -> Option<String> {
        None
    }
    fn headers(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    fn text(&self) -> String {
        self.0.to_owned()
    }
}

impl Transport for Canned {
    type Response = Answer;
    type File = Vec<u8>;
    type Signal = ();
    type Cause = ();
    async fn send(&self, req: HttpRequest<'_, Vec<u8>>, _: Option<&()>) -> Result<Answer, Failure<()>> {
        self.sent.set(self.sent.get() + 1);
        Ok(Answer(if req.url.ends_with("chat/") { CHAT } else { SITES }))
    }
    async fn sleep(&self, _: f64, _: Option<&()>) {}
    fn is_aborted(&self, _: Option<&()>) -> bool {
        false
    }
    fn now_ms(&self) -> f64 {
        0.0
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn describe(_: &()) -> String {
        String::new()
    }
}

/// Polls a future that never waits (the canned transport answers at once).
fn run<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    const VTABLE: std::task::RawWakerVTable =
        std::task::RawWakerVTable::new(|_| std::task::RawWaker::new(std::ptr::null(), &VTABLE), |_| {}, |_| {}, |_| {});
    // SAFETY: every function of the vtable ignores its (null) data pointer.
    let waker = unsafe { std::task::Waker::from_raw(std::task::RawWaker::new(std::ptr::null(), &VTABLE)) };
    let mut cx = std::task::Context::from_waker(&waker);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn main() {
    let client = Client::builder("sk_bench_0123456789").transport(Canned { sent: Cell::new(0) }).build().expect("a client");
    let n = 200_000u32;
    for _ in 0..10_000 {
        run(client.websites().list()).expect("an answer");
    }
    let t = Instant::now();
    for _ in 0..n {
        let sites = run(client.websites().list()).expect("an answer");
        assert_eq!(sites.websites.len(), 2);
    }
    let list_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let t = Instant::now();
    for _ in 0..n {
        let answer = run(client.chat().send(ChatRequest { message: "When are you open?".into(), ..Default::default() })).expect("an answer");
        assert_eq!(answer.session_id, "s1");
    }
    let chat_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!("rust api (native): websites.list {list_us:.2} us/call, chat.send {chat_us:.2} us/call ({} requests)", client.transport().sent.get());
}
