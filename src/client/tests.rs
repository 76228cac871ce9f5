//! The client's whole call path, natively: the retry loop on a virtual clock (the scripted
//! transport), the fault matrix, the API key in no error, the headers on the wire, the builder's
//! errors, a whole session against the in-process sandbox, `Pages`, and `Webhook`.
//!
//! Expected values are written by hand from `sdk-spec.md` ("Errors", "Retries") and
//! `asyntai-api.md`, never produced by the code under test.

use super::*;
use crate::api::{
    ChatRequest, GetAccountRequest, ListConversationsRequest, ListLeadsRequest, ListSessionsRequest, ListTicketsRequest,
    Method, UploadSpreadsheetRequest, WebsiteId,
};
use crate::error::{ApiError, ApiErrorKind, Error};
use crate::transport::scripted::{abort_flag, block_on, AbortFlag, Reply, ScriptedTransport, SentBody, Step, START_MS};
use crate::transport::Typed;

const KEY: &str = "sk_live_9f8e7d6c5b4a3210";
const BASE: &str = "https://asyntai.com/api/v1/";
const CSV: &[u8] = b"name,price\nTea,3\n";

fn scripted(steps: impl IntoIterator<Item = Step>) -> Client<ScriptedTransport> {
    Client::builder(KEY).transport(ScriptedTransport::new(steps)).build().unwrap()
}

fn with_retries(n: u32, steps: impl IntoIterator<Item = Step>) -> Client<ScriptedTransport> {
    Client::builder(KEY).max_retries(n).transport(ScriptedTransport::new(steps)).build().unwrap()
}

fn reply(status: u16, body: &str) -> Step {
    Step::Reply(Reply::json(status, body))
}

fn error_body(message: &str) -> String {
    format!(r#"{{"success":false,"error":"{message}"}}"#)
}

const ACCOUNT: &str = r#"{"success":true,"account":{"email":"a@b.c","plan":"starter","messages_used":3,"messages_limit":2500}}"#;
const CHAT: &str = r#"{"success":true,"response":"Hello","session_id":"s1"}"#;
const DELETED: &str = r#"{"success":true,"message":"Knowledge base entry deleted"}"#;
const UPLOADED: &str = r#"{"success":true,"id":"kb_1","title":"p.csv","rows_processed":1,"chunks_created":1}"#;

/// The four kinds of call of the fault matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Call {
    Get,
    Post,
    Delete,
    Upload,
}

const CALLS: [Call; 4] = [Call::Get, Call::Post, Call::Delete, Call::Upload];

impl Call {
    fn success(self) -> &'static str {
        match self {
            Call::Get => ACCOUNT,
            Call::Post => CHAT,
            Call::Delete => DELETED,
            Call::Upload => UPLOADED,
        }
    }

    /// GET and DELETE are idempotent: retried on network errors, timeouts, 408 and 5xx.
    fn idempotent(self) -> bool {
        matches!(self, Call::Get | Call::Delete)
    }

    /// (method, URL) on the wire.
    fn target(self) -> (Method, &'static str) {
        match self {
            Call::Get => (Method::Get, "https://asyntai.com/api/v1/account/"),
            Call::Post => (Method::Post, "https://asyntai.com/api/v1/chat/"),
            Call::Delete => (Method::Delete, "https://asyntai.com/api/v1/knowledge/abc-123-def/"),
            Call::Upload => (Method::Post, "https://asyntai.com/api/v1/knowledge/spreadsheet/"),
        }
    }
}

fn upload_request() -> UploadSpreadsheetRequest {
    UploadSpreadsheetRequest { file: CSV.to_vec(), filename: Some("p.csv".into()), website_id: None }
}

/// Makes the call through the Rust API.
fn run(client: &Client<ScriptedTransport>, call: Call) -> Result<(), Error> {
    block_on(async {
        match call {
            Call::Get => client.account().get().await.map(drop),
            Call::Post => client.chat().send(ChatRequest { message: "hello".into(), ..Default::default() }).await.map(drop),
            Call::Delete => client.knowledge().delete("abc-123-def").await.map(drop),
            Call::Upload => client.knowledge().upload_spreadsheet(upload_request()).await.map(drop),
        }
    })
}

/// Makes the call through `execute` with the caller's abort signal (JavaScript's path).
fn run_with_signal(client: &Client<ScriptedTransport>, call: Call, signal: &AbortFlag) -> Result<(), Error> {
    let settings = client.settings(None, None, Vec::new(), Some(signal.clone()));
    let upload = upload_request();
    let (req, part) = match call {
        Call::Get => (client.prepare(&GetAccountRequest, &[], None)?, None),
        Call::Post => (client.prepare(&ChatRequest { message: "hello".into(), ..Default::default() }, &[], None)?, None),
        Call::Delete => (client.prepare(&crate::api::DeleteKnowledgeRequest { id: "abc-123-def".into() }, &[], None)?, None),
        Call::Upload => (
            client.prepare(&upload, &[], None)?,
            Some(FilePart { file: &upload.file, filename: upload.part_name(), content_type: upload.part_type() }),
        ),
    };
    block_on(client.execute::<Typed<serde_json::Value>>(&req, part, &settings)).map(drop).map_err(|e| e.error)
}

fn api_error(r: Result<(), Error>) -> ApiError {
    match r {
        Err(Error::Api(a)) => a,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn sleeps(client: &Client<ScriptedTransport>) -> Vec<f64> {
    client.transport().sleeps().iter().map(|s| s.ms).collect()
}

// ------------------------------------------------------------------------------------------------
// The retry loop on the virtual clock.

mod retries {
    use super::*;

    #[test]
    fn get_and_delete_are_retried_on_transient_failures() {
        let faults = || {
            vec![
                Step::Network("connection reset by peer".into()),
                Step::Timeout,
                reply(408, &error_body("timeout")),
                reply(500, &error_body("oops")),
                reply(502, "<html>Bad gateway</html>"),
                reply(503, &error_body("busy")),
                reply(504, ""),
            ]
        };
        for call in [Call::Get, Call::Delete] {
            for fault in faults() {
                let client = scripted([fault.clone(), reply(200, call.success())]);
                assert_eq!(run(&client, call), Ok(()), "{call:?} after {fault:?}");
                assert_eq!(client.transport().attempts(), 2, "{call:?} {fault:?}");
                assert_eq!(sleeps(&client), [500.0], "{call:?} {fault:?}: the first backoff, random() = 0");
            }
        }
    }

    #[test]
    fn post_is_retried_only_on_503_and_on_429_with_retry_after() {
        for call in [Call::Post, Call::Upload] {
            let client = scripted([reply(503, &error_body("busy")), reply(200, call.success())]);
            assert_eq!(run(&client, call), Ok(()));
            assert_eq!((client.transport().attempts(), sleeps(&client)), (2, vec![500.0]));

            let limited = Step::Reply(Reply::json(429, error_body("slow down")).with_header("Retry-After", "1"));
            let client = scripted([limited, reply(200, call.success())]);
            assert_eq!(run(&client, call), Ok(()));
            assert_eq!((client.transport().attempts(), sleeps(&client)), (2, vec![1000.0]));

            for fault in [
                Step::Network("reset".into()),
                Step::Timeout,
                reply(408, &error_body("t")),
                reply(500, &error_body("e")),
                reply(502, &error_body("e")),
                reply(504, &error_body("e")),
                reply(429, &error_body("quota")),
            ] {
                let client = scripted([fault.clone(), reply(200, call.success())]);
                assert!(run(&client, call).is_err(), "{call:?} {fault:?}");
                assert_eq!(client.transport().attempts(), 1, "{call:?} {fault:?}: a POST may have been processed");
                assert!(sleeps(&client).is_empty());
            }
        }
    }

    #[test]
    fn a_429_without_retry_after_is_the_quota_and_never_retried() {
        for call in CALLS {
            let client = scripted([reply(429, &error_body("Message limit reached")), reply(200, call.success())]);
            let a = api_error(run(&client, call));
            assert_eq!((a.status, a.kind, a.retry_after), (429, ApiErrorKind::RateLimit, None));
            assert_eq!(a.error.as_deref(), Some("Message limit reached"));
            assert_eq!(client.transport().attempts(), 1, "{call:?}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates_are_waited_for_exactly_up_to_60_s() {
        let cases = [
            ("0", 0.0),
            ("1", 1_000.0),
            ("1.5", 1_500.0),
            (" 7 ", 7_000.0),
            ("60", 60_000.0),
            // the clock is at 2026-01-01T00:00:00Z
            ("Thu, 01 Jan 2026 00:00:30 GMT", 30_000.0),
            ("Wed, 31 Dec 2025 23:58:20 GMT", 0.0),
        ];
        for (value, ms) in cases {
            for status in [429, 503] {
                let first = Step::Reply(Reply::json(status, error_body("wait")).with_header("retry-after", value));
                let client = scripted([first, reply(200, CHAT)]);
                assert_eq!(run(&client, Call::Post), Ok(()), "{status} Retry-After {value:?}");
                assert_eq!(sleeps(&client), [ms], "{status} Retry-After {value:?}");
                assert_eq!(client.transport().now(), START_MS + ms);
            }
        }
    }

    #[test]
    fn retry_after_beyond_the_cap_raises_at_once_with_retry_after() {
        for (value, seconds) in [("61", 61.0), ("120", 120.0), ("Thu, 01 Jan 2026 00:05:00 GMT", 300.0)] {
            for call in CALLS {
                let first = Step::Reply(Reply::json(503, error_body("down for maintenance")).with_header("Retry-After", value));
                let client = scripted([first, reply(200, call.success())]);
                let a = api_error(run(&client, call));
                assert_eq!((a.status, a.kind, a.retry_after), (503, ApiErrorKind::ServiceUnavailable, Some(seconds)), "{value}");
                assert_eq!(client.transport().attempts(), 1, "{call:?} {value}");
                assert!(sleeps(&client).is_empty());
            }
        }
    }

    #[test]
    fn an_unreadable_retry_after_falls_back_to_the_backoff() {
        let first = Step::Reply(Reply::json(503, error_body("busy")).with_header("retry-after", "soon"));
        let client = scripted([first.clone(), first, reply(503, &error_body("busy"))]);
        let a = api_error(run(&client, Call::Get));
        assert_eq!(a.retry_after, None);
        assert_eq!(sleeps(&client), [500.0, 1_000.0]);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_and_caps_at_8_s() {
        let fail = || reply(500, &error_body("oops"));
        let client = with_retries(7, std::iter::repeat_with(fail).take(8));
        assert!(run(&client, Call::Get).is_err());
        assert_eq!(client.transport().attempts(), 8);
        assert_eq!(sleeps(&client), [500.0, 1_000.0, 2_000.0, 4_000.0, 8_000.0, 8_000.0, 8_000.0]);
        // each attempt starts when the sleep before it ends
        let at: Vec<f64> = client.transport().sent().iter().map(|s| s.at_ms - START_MS).collect();
        assert_eq!(at, [0.0, 500.0, 1_500.0, 3_500.0, 7_500.0, 15_500.0, 23_500.0, 31_500.0]);
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        for random in [0.0, 0.25, 0.5, 0.999_999] {
            let client = with_retries(6, std::iter::repeat_with(|| Step::Timeout).take(7));
            client.transport().set_random(random);
            assert!(matches!(run(&client, Call::Get), Err(Error::Timeout { .. })));
            let bases = [500.0, 1_000.0, 2_000.0, 4_000.0, 8_000.0, 8_000.0];
            let got = sleeps(&client);
            assert_eq!(got.len(), bases.len());
            for (ms, base) in got.iter().zip(bases) {
                assert!(*ms <= base && *ms >= 0.75 * base, "random {random}: slept {ms} for a base of {base}");
                assert!((ms - base * (1.0 - 0.25 * random)).abs() < 1e-6, "random {random}: {ms}");
            }
        }
    }

    #[test]
    fn max_retries_bounds_the_attempts() {
        for (max, attempts) in [(0u32, 1usize), (1, 2), (2, 3), (5, 6)] {
            let client = with_retries(max, std::iter::repeat_with(|| reply(503, &error_body("busy"))).take(10));
            assert!(run(&client, Call::Get).is_err());
            assert_eq!(client.transport().attempts(), attempts, "max_retries {max}");
            assert_eq!(sleeps(&client).len(), attempts - 1);
        }
        // the default is 2
        let client = scripted(std::iter::repeat_with(|| Step::Network("refused".into())).take(10));
        assert!(run(&client, Call::Delete).is_err());
        assert_eq!(client.transport().attempts(), 3);
    }

    #[test]
    fn a_retry_that_succeeds_returns_the_value() {
        let client = scripted([reply(503, &error_body("busy")), Step::Timeout, reply(200, ACCOUNT)]);
        let account = block_on(client.account().get()).unwrap();
        assert_eq!((account.account.plan.as_str(), account.account.messages_used), ("starter", 3));
        assert_eq!(client.transport().attempts(), 3);
    }

    #[test]
    fn every_attempt_has_the_timeout_and_a_slow_answer_times_out() {
        let client = Client::builder(KEY)
            .timeout(Duration::from_millis(1_500))
            .transport(ScriptedTransport::new([Step::Slow(1_501.0, Reply::json(200, ACCOUNT)), Step::Slow(1_500.0, Reply::json(200, ACCOUNT))]))
            .build()
            .unwrap();
        assert_eq!(run(&client, Call::Get), Ok(()));
        let t = client.transport();
        assert_eq!(t.sent().iter().map(|s| s.timeout_ms).collect::<Vec<_>>(), [1_500.0, 1_500.0]);
        // 1.5 s timed out, 0.5 s of backoff, 1.5 s for the answer
        assert_eq!(t.now(), START_MS + 3_500.0);

        let client = with_retries(0, [Step::Slow(60_001.0, Reply::json(200, ACCOUNT))]);
        match run(&client, Call::Get) {
            Err(Error::Timeout { message }) => assert_eq!(message, "Request timed out after 60000 ms."),
            other => panic!("{other:?}"),
        }
        let client = Client::builder(KEY).timeout_ms(250.5).max_retries(0).transport(ScriptedTransport::new([Step::Timeout])).build().unwrap();
        assert_eq!(run(&client, Call::Get).unwrap_err().to_string(), "Request timed out after 250.5 ms.");
    }

    #[test]
    fn abort_before_the_call_sends_nothing() {
        for call in CALLS {
            let client = scripted([reply(200, call.success())]);
            let signal = abort_flag();
            signal.set(true);
            assert_eq!(run_with_signal(&client, call, &signal), Err(Error::Aborted));
            assert_eq!(client.transport().attempts(), 0, "{call:?}");
        }
    }

    #[test]
    fn abort_during_the_call_is_not_retried() {
        for call in CALLS {
            let client = scripted([Step::AbortDuringCall, reply(200, call.success())]);
            let signal = abort_flag();
            assert_eq!(run_with_signal(&client, call, &signal), Err(Error::Aborted));
            assert_eq!(client.transport().attempts(), 1, "{call:?}");
            assert!(sleeps(&client).is_empty());
        }
    }

    #[test]
    fn abort_during_a_retry_sleep_stops_at_once() {
        let retry_after = || Step::Reply(Reply::json(503, error_body("busy")).with_header("retry-after", "30"));
        for (call, first) in [
            (Call::Get, reply(503, &error_body("busy"))),
            (Call::Delete, Step::Network("reset".into())),
            (Call::Post, retry_after()),
            (Call::Upload, retry_after()),
        ] {
            let client = scripted([first, reply(200, call.success())]);
            client.transport().abort_during_sleep(0);
            let signal = abort_flag();
            assert_eq!(run_with_signal(&client, call, &signal), Err(Error::Aborted), "{call:?}");
            assert_eq!(client.transport().attempts(), 1, "{call:?}");
            assert_eq!(client.transport().remaining(), 1, "{call:?}");
        }
        // a later sleep too
        let client = scripted([Step::Timeout, Step::Timeout, reply(200, ACCOUNT)]);
        client.transport().abort_during_sleep(1);
        assert_eq!(run_with_signal(&client, Call::Get, &abort_flag()), Err(Error::Aborted));
        assert_eq!(client.transport().attempts(), 2);
    }

    #[test]
    fn a_signal_that_never_aborts_changes_nothing() {
        let client = scripted([Step::Timeout, reply(200, ACCOUNT)]);
        assert_eq!(run_with_signal(&client, Call::Get, &abort_flag()), Ok(()));
        assert_eq!(client.transport().attempts(), 2);
    }
}

// ------------------------------------------------------------------------------------------------
// Per-call options.

mod per_call_options {
    use super::*;

    fn headers(call_headers: &[(&str, Option<&str>)]) -> RequestOptions {
        RequestOptions {
            headers: call_headers.iter().map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned))).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn timeout_and_max_retries_override_the_clients() {
        let client = scripted(std::iter::repeat_with(|| Step::Timeout).take(10));
        let options = RequestOptions { timeout: Some(Duration::from_millis(250)), max_retries: Some(4), ..Default::default() };
        assert!(matches!(run(&client.with_options(options), Call::Get), Err(Error::Timeout { .. })));
        let sent = client.transport().sent();
        assert_eq!(sent.len(), 5);
        assert!(sent.iter().all(|s| s.timeout_ms == 250.0));
        // the client itself is unchanged
        let before = client.transport().attempts();
        assert!(run(&client, Call::Get).is_err());
        assert_eq!(client.transport().attempts() - before, 3);
        assert_eq!(client.transport().sent()[before].timeout_ms, 60_000.0);
        let client = scripted([Step::Timeout, reply(200, ACCOUNT)]);
        let once = client.with_options(RequestOptions { max_retries: Some(0), ..Default::default() });
        assert!(run(&once, Call::Get).is_err());
        assert_eq!(client.transport().attempts(), 1);
    }

    #[test]
    fn a_zero_timeout_is_refused_before_anything_is_sent() {
        let client = scripted([reply(200, ACCOUNT)]);
        let options = RequestOptions { timeout: Some(Duration::ZERO), ..Default::default() };
        let r = run(&client.with_options(options), Call::Get);
        assert!(matches!(&r, Err(Error::Validation { field, .. }) if field == "timeout"), "{r:?}");
        assert_eq!(client.transport().attempts(), 0);
    }

    #[test]
    fn headers_are_merged_per_call_wins_and_none_removes() {
        let client = Client::builder(KEY)
            .default_header("X-Team", Some("support".into()))
            .default_header("X-Gone", Some("x".into()))
            .transport(ScriptedTransport::new([reply(200, ACCOUNT)]))
            .build()
            .unwrap();
        let options = headers(&[("x-team", Some("billing")), ("X-Trace", Some("t1")), ("accept", None), ("X-GONE", None)]);
        assert_eq!(run(&client.with_options(options), Call::Get), Ok(()));
        let mut got = client.transport().sent()[0].headers.clone();
        got.sort();
        let want = [("authorization", format!("Bearer {KEY}")), ("x-team", "billing".into()), ("x-trace", "t1".into())];
        assert_eq!(got, want.map(|(k, v)| (k.to_owned(), v)));
    }

    #[test]
    fn bad_headers_are_refused_before_anything_is_sent() {
        for (name, value, field) in [
            ("bad name", Some("v"), "headers"),
            ("x:y", Some("v"), "headers"),
            ("", Some("v"), "headers"),
            ("x-é", Some("v"), "headers"),
            ("X-A", Some("a\r\nInjected: 1"), "headers.x-a"),
            ("X-A", Some("a\0"), "headers.x-a"),
            ("X-A", Some("€"), "headers.x-a"),
            ("bad name", None, "headers"),
        ] {
            let client = scripted([reply(200, ACCOUNT)]);
            let r = run(&client.with_options(headers(&[(name, value)])), Call::Post);
            assert!(matches!(&r, Err(Error::Validation { field: f, .. }) if f == field), "{name:?}={value:?}: {r:?}");
            assert_eq!(client.transport().attempts(), 0);
        }
        // Latin-1 and tabs pass
        let client = scripted([reply(200, ACCOUNT)]);
        assert_eq!(run(&client.with_options(headers(&[("X-A", Some("caf\u{e9}\tok"))])), Call::Get), Ok(()));
    }

    #[test]
    fn check_header_lower_cases_the_name() {
        assert_eq!(check_header("headers", "X-Request-ID", "abc"), Ok("x-request-id".to_owned()));
        assert_eq!(check_header("headers", "a!#$%&'*+-.^_`|~9", ""), Ok("a!#$%&'*+-.^_`|~9".to_owned()));
        assert!(check_header("headers", "a(b)", "v").is_err());
    }

    #[test]
    fn extra_query_parameters_are_sent_encoded() {
        let client = scripted([reply(200, r#"{"success":true,"sessions":[]}"#), reply(200, ACCOUNT)]);
        let options = RequestOptions { query: vec![("beta".into(), "a b".into()), ("x".into(), "1".into())], ..Default::default() };
        let c = client.with_options(options);
        block_on(c.sessions().list(ListSessionsRequest { limit: Some(5), ..Default::default() })).unwrap();
        assert_eq!(run(&c, Call::Get), Ok(()));
        let urls: Vec<String> = client.transport().sent().into_iter().map(|s| s.url).collect();
        assert_eq!(urls, [format!("{BASE}sessions/?limit=5&beta=a%20b&x=1"), format!("{BASE}account/?beta=a%20b&x=1")]);
    }

    #[test]
    fn extra_body_fields_are_added_to_a_json_body() {
        let client = scripted([reply(200, CHAT)]);
        let mut body = serde_json::Map::new();
        body.insert("metadata".into(), serde_json::json!({"order": 12}));
        body.insert("channel".into(), "api".into());
        let c = client.with_options(RequestOptions { body, ..Default::default() });
        assert_eq!(run(&c, Call::Post), Ok(()));
        assert_eq!(
            client.transport().sent()[0].body,
            SentBody::Json(r#"{"message":"hello","channel":"api","metadata":{"order":12}}"#.into())
        );
    }

    #[test]
    fn documented_names_in_the_escape_hatch_are_refused_and_nothing_is_sent() {
        let q = |k: &str, v: &str| RequestOptions { query: vec![(k.into(), v.into())], ..Default::default() };
        let b = |k: &str| {
            let mut body = serde_json::Map::new();
            body.insert(k.into(), "x".into());
            RequestOptions { body, ..Default::default() }
        };
        let client = scripted([reply(200, CHAT)]);
        let field = |r: Result<(), Error>| match r {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let sessions = |c: &Client<ScriptedTransport>| block_on(c.sessions().list(ListSessionsRequest::default())).map(drop);
        assert_eq!(field(sessions(&client.with_options(q("limit", "5")))), "query.limit");
        assert_eq!(field(sessions(&client.with_options(q("before", "2026-01-01")))), "query.before");
        assert_eq!(field(sessions(&client.with_options(q("", "5")))), "query");
        assert_eq!(field(sessions(&client.with_options(q("a", "x\ny")))), "query");
        assert_eq!(field(run(&client.with_options(b("message")), Call::Post)), "body.message");
        assert_eq!(field(run(&client.with_options(b("website_id")), Call::Post)), "body.website_id");
        // a body on a request that has no JSON body
        assert_eq!(field(run(&client.with_options(b("x")), Call::Get)), "body");
        assert_eq!(field(run(&client.with_options(b("x")), Call::Delete)), "body");
        assert_eq!(field(run(&client.with_options(b("x")), Call::Upload)), "body");
        assert_eq!(field(run(&client.with_options(b("website_id")), Call::Upload)), "body.website_id");
        assert_eq!(client.transport().attempts(), 0);
    }

    #[test]
    fn validation_fails_before_anything_is_sent() {
        let client = scripted([reply(200, CHAT)]);
        let r = block_on(client.chat().send(ChatRequest { message: " ".into(), ..Default::default() }));
        assert!(matches!(r, Err(Error::Validation { ref field, .. }) if field == "message"));
        let r = block_on(client.knowledge().delete(".."));
        assert!(matches!(r, Err(Error::Validation { ref field, .. }) if field == "id"));
        let r = block_on(client.knowledge().upload_spreadsheet(UploadSpreadsheetRequest::default()));
        assert!(matches!(r, Err(Error::Validation { ref field, .. }) if field == "file"));
        assert_eq!(client.transport().attempts(), 0);
    }
}

// ------------------------------------------------------------------------------------------------
// The fault matrix: each fault x GET, POST, DELETE, multipart upload.

mod fault_matrix {
    use super::*;

    #[derive(Debug, Clone)]
    enum Fault {
        /// A non-2xx status with this body.
        Status(u16, &'static str),
        /// A 200 whose body is not the JSON object the API promises.
        BadSuccess(&'static str, &'static str),
        /// `{"success":false,"error":"x"}` on a 200.
        SuccessFalse,
        Network,
        Timeout,
    }

    const JSON_ERROR: &str = r#"{"success":false,"error":"the API's own message"}"#;
    const HTML: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

    fn faults() -> Vec<Fault> {
        let mut all = Vec::new();
        for (status, _) in STATUSES {
            for body in [JSON_ERROR, HTML, ""] {
                all.push(Fault::Status(status, body));
            }
        }
        all.push(Fault::BadSuccess("<!doctype html><title>Login</title>", "the API answered 200 with HTML instead of JSON"));
        all.push(Fault::BadSuccess("", "the API answered 200 with an empty body"));
        all.push(Fault::BadSuccess(r#"{"success":true,"acc"#, "the API answered 200 with a body that is not valid JSON (truncated?)"));
        all.push(Fault::BadSuccess("[1,2]", "the API answered 200 with JSON that is not an object"));
        all.extend([Fault::SuccessFalse, Fault::Network, Fault::Timeout]);
        all
    }

    fn step(f: &Fault) -> Step {
        match f {
            Fault::Status(s, body) => Step::Reply(Reply::new(*s, *body).with_header("x-request-id", "req_42").with_header("content-type", "text/plain")),
            Fault::BadSuccess(body, _) => Step::Reply(Reply::new(200, *body).with_header("x-request-id", "req_42")),
            Fault::SuccessFalse => Step::Reply(Reply::json(200, r#"{"success":false,"error":"x"}"#).with_header("x-request-id", "req_42")),
            Fault::Network => Step::Network("connection reset by peer".into()),
            Fault::Timeout => Step::Timeout,
        }
    }

    /// The spec's retry policy, restated.
    fn retried(call: Call, f: &Fault) -> bool {
        match f {
            Fault::Status(503, _) => true,
            Fault::Status(408 | 500 | 502 | 504, _) | Fault::BadSuccess(..) | Fault::Network | Fault::Timeout => call.idempotent(),
            Fault::Status(..) | Fault::SuccessFalse => false,
        }
    }

    /// The statuses of the matrix and the error kind (JavaScript class) of each.
    const STATUSES: [(u16, ApiErrorKind); 11] = [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (408, ApiErrorKind::Other),
        (409, ApiErrorKind::Other),
        (429, ApiErrorKind::RateLimit),
        (500, ApiErrorKind::InternalServer),
        (502, ApiErrorKind::InternalServer),
        (503, ApiErrorKind::ServiceUnavailable),
        (504, ApiErrorKind::InternalServer),
    ];

    fn kind(status: u16) -> ApiErrorKind {
        STATUSES.iter().find(|(s, _)| *s == status).map(|(_, k)| *k).unwrap()
    }

    #[test]
    fn every_fault_against_every_kind_of_call() {
        let mut cells = 0;
        for fault in faults() {
            for call in CALLS {
                let what = format!("{fault:?} x {call:?}");
                // three of the same fault: the policy's retries (default 2) would consume them all
                let client = scripted(std::iter::repeat_with(|| step(&fault)).take(3));
                let result = run(&client, call);
                let expected_attempts = if retried(call, &fault) { 3 } else { 1 };
                assert_eq!(client.transport().attempts(), expected_attempts, "{what}: attempts");
                let (method, url) = call.target();
                for sent in client.transport().sent() {
                    assert_eq!((sent.method, sent.url.as_str()), (method, url), "{what}");
                }
                match (&fault, result) {
                    (Fault::Status(status, body), Err(Error::Api(a))) => {
                        assert_eq!((a.status, a.kind), (*status, kind(*status)), "{what}");
                        let own = (*body == JSON_ERROR).then_some("the API's own message");
                        assert_eq!(a.error.as_deref(), own, "{what}");
                        assert_eq!(a.body, *body, "{what}: the body as received");
                        assert_eq!(a.header("x-request-id"), Some("req_42"), "{what}");
                        assert_eq!(a.header("content-type"), Some("text/plain"), "{what}");
                        assert_eq!(a.retry_after, None);
                        assert!(a.message.starts_with(&status.to_string()), "{what}: {}", a.message);
                        assert!(!a.message.contains("<html>"), "{what}: the message describes the body, it does not quote it");
                        if let Some(own) = own {
                            assert!(a.message.contains(own), "{what}: {}", a.message);
                        }
                        assert_eq!(a.json().is_some(), *body == JSON_ERROR);
                    }
                    (Fault::BadSuccess(_, message), Err(Error::Connection { message: m, cause })) => {
                        assert_eq!((m.as_str(), cause), (*message, None), "{what}");
                    }
                    (Fault::SuccessFalse, Err(Error::Api(a))) => {
                        assert_eq!((a.status, a.kind, a.error.as_deref()), (200, ApiErrorKind::Other, Some("x")), "{what}");
                        assert_eq!(a.body, r#"{"success":false,"error":"x"}"#);
                        assert_eq!(a.header("x-request-id"), Some("req_42"));
                    }
                    (Fault::Network, Err(Error::Connection { message, cause })) => {
                        assert_eq!(message, "Connection error: the request could not be completed.");
                        assert_eq!(cause.as_deref(), Some("connection reset by peer"), "{what}");
                    }
                    (Fault::Timeout, Err(Error::Timeout { message })) => assert_eq!(message, "Request timed out after 60000 ms."),
                    (_, other) => panic!("{what}: got {other:?}"),
                }
                cells += 1;
            }
        }
        assert_eq!(cells, (11 * 3 + 4 + 3) * 4);
    }

    #[test]
    fn the_upload_sends_its_file_as_multipart() {
        let client = scripted([reply(200, UPLOADED)]);
        let req = UploadSpreadsheetRequest { file: CSV.to_vec(), filename: None, website_id: Some(WebsiteId(4)) };
        let r = block_on(client.knowledge().upload_spreadsheet(req)).unwrap();
        assert_eq!((r.id.as_str(), r.rows_processed), ("kb_1", 1));
        let sent = &client.transport().sent()[0];
        assert_eq!(
            sent.body,
            SentBody::Multipart {
                fields: vec![("website_id".into(), "4".into())],
                file: CSV.to_vec(),
                filename: "spreadsheet.csv".into(),
                content_type: "text/csv".into(),
            }
        );
    }

    #[test]
    fn a_success_body_the_rust_type_cannot_read_is_a_connection_error() {
        let client = with_retries(0, [reply(200, r#"{"success":true,"account":{"messages_used":"many"}}"#)]);
        match run(&client, Call::Get) {
            Err(Error::Connection { message, cause: None }) => {
                assert!(message.starts_with("the API answered 200 with a body this client cannot read"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The API key in no error.

mod key_redaction {
    use super::*;

    /// Every string an error shows or carries, raw (its parsed body's strings and keys included),
    /// and its Debug and Display texts.
    fn everything(e: &Error) -> Vec<String> {
        fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) => out.push(s.clone()),
                serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
                serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| {
                    out.push(k.clone());
                    strings(v, out);
                }),
                _ => {}
            }
        }
        let mut all = vec![format!("{e:?}"), e.to_string()];
        match e {
            Error::Api(a) => {
                all.extend([a.message.clone(), a.body.clone(), a.to_string()]);
                all.extend(a.error.clone());
                all.extend(a.headers.iter().flat_map(|(k, v)| [k.clone(), v.clone()]));
                if let Some(v) = a.json() {
                    all.push(v.to_string());
                    strings(&v, &mut all);
                }
            }
            Error::Connection { message, cause } => {
                all.push(message.clone());
                all.extend(cause.clone());
            }
            Error::Validation { field, message } => all.extend([field.clone(), message.clone()]),
            Error::Config { message } | Error::Timeout { message } => all.push(message.clone()),
            _ => {}
        }
        all
    }

    fn assert_clean(key: &str, e: &Error, what: &str) {
        // the key as written, as Debug writes it (`\"`, `\\`), as JSON writes it
        let spellings = [key.to_owned(), key.escape_debug().to_string(), serde_json::to_string(key).unwrap().trim_matches('"').to_owned()];
        for text in everything(e) {
            for k in &spellings {
                assert!(!text.contains(k.as_str()), "{what}: the key leaked: {text}");
            }
        }
    }

    fn client_with_key(key: &str, steps: Vec<Step>) -> Client<ScriptedTransport> {
        Client::builder(key).max_retries(0).transport(ScriptedTransport::new(steps)).build().unwrap()
    }

    /// `\uXXXX` for every character: JSON's own escape, which a literal search cannot see.
    fn unicode_escaped(s: &str) -> String {
        s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
    }

    fn echoed(key: &str) {
        let json_key = key.replace('\\', "\\\\").replace('"', "\\\"");
        let slashed = json_key.replace('/', "\\/");
        let escaped = unicode_escaped(key);
        let first = unicode_escaped(&key[..1]);
        let partly = format!("{first}{}", &json_key[1..]);
        let cases: Vec<(&str, Step)> = vec![
            ("error field", reply(401, &format!(r#"{{"success":false,"error":"invalid key {json_key}"}}"#))),
            ("other field", reply(400, &format!(r#"{{"success":false,"error":"bad","echo":"{json_key}"}}"#))),
            ("\\/ escapes", reply(401, &format!(r#"{{"success":false,"error":"invalid key {slashed}"}}"#))),
            ("\\u escapes in error", reply(401, &format!(r#"{{"success":false,"error":"invalid key {escaped}"}}"#))),
            ("\\u escapes elsewhere", reply(400, &format!(r#"{{"success":false,"error":"bad","echo":{{"k":["{escaped}"]}}}}"#))),
            ("one \\u escape", reply(400, &format!(r#"{{"success":false,"error":"bad","echo":"{partly}"}}"#))),
            ("\\u escapes in a key", reply(400, &format!(r#"{{"success":false,"error":"bad","{escaped}":1}}"#))),
            ("success false", reply(200, &format!(r#"{{"success":false,"error":"{escaped}"}}"#))),
            ("HTML", reply(502, &format!("<html>Authorization: Bearer {key}</html>"))),
            ("header", Step::Reply(Reply::json(401, error_body("no")).with_header("x-echo", &format!("Bearer {key}")))),
            ("header name", Step::Reply(Reply::json(401, error_body("no")).with_header(&format!("x-{key}"), "1"))),
            ("network cause", Step::Network(format!("GET https://x/?key={key} failed: reset"))),
            ("2xx unreadable by the type", reply(200, &format!(r#"{{"success":true,"account":{{"plan":"{escaped}","messages_used":"{escaped}"}}}}"#))),
        ];
        for (what, step) in cases {
            let client = client_with_key(key, vec![step]);
            let e = run(&client, Call::Get).unwrap_err();
            assert_clean(key, &e, what);
        }
    }

    #[test]
    fn the_key_echoed_by_the_server_is_redacted_everywhere() {
        for key in [KEY, "sk_live/7f3a\"9c\\b"] {
            echoed(key);
        }
    }

    #[test]
    fn what_is_redacted_says_so_and_the_rest_is_kept() {
        let client = client_with_key(KEY, vec![reply(401, &format!(r#"{{"success":false,"error":"invalid key {KEY}"}}"#))]);
        let a = api_error(run(&client, Call::Get));
        assert_eq!(a.error.as_deref(), Some("invalid key [redacted]"));
        assert_eq!(a.message, "401 invalid key [redacted]");
        assert_eq!(a.body, r#"{"success":false,"error":"invalid key [redacted]"}"#);
        let escaped = unicode_escaped(KEY);
        let client = client_with_key(KEY, vec![reply(400, &format!(r#"{{"success":false,"error":"bad","echo":"{escaped}","n":1}}"#))]);
        let a = api_error(run(&client, Call::Get));
        assert_eq!(a.error.as_deref(), Some("bad"));
        assert_eq!(a.json(), Some(serde_json::json!({"success": false, "error": "bad", "echo": "[redacted]", "n": 1})));
        // a body without the key is kept as received, byte for byte
        let body = "{\"success\":false,  \"error\":\"\\u0062ad\"}";
        let client = client_with_key(KEY, vec![reply(400, body)]);
        assert_eq!(api_error(run(&client, Call::Get)).body, body);
    }

    #[test]
    fn a_body_past_the_limit_is_cut_at_a_character_without_the_start_of_the_key_and_says_so() {
        let max = crate::client::MAX_ERROR_BODY;
        let cut = crate::client::CUT;
        // the key straddles the cut: its first 7 bytes are the last ones of the first MiB
        let head = "x".repeat(max - 7);
        let client = client_with_key(KEY, vec![reply(502, &format!("{head}{KEY}{}", "y".repeat(100)))]);
        let a = api_error(run(&client, Call::Get));
        assert_eq!(a.body, format!("{head}{cut}"));
        assert_eq!(a.message, "502 status code (a body that is not JSON)");
        // the limit inside a two-byte character: cut before it
        let body = format!("a{}", "é".repeat(max / 2 + 10));
        let client = client_with_key(KEY, vec![reply(400, &body)]);
        assert_eq!(api_error(run(&client, Call::Get)).body, format!("a{}{cut}", "é".repeat((max - 2) / 2)));
        // exactly the limit: kept whole
        let whole = "z".repeat(max);
        let client = client_with_key(KEY, vec![reply(400, &whole)]);
        assert_eq!(api_error(run(&client, Call::Get)).body, whole);
    }

    #[test]
    fn configuration_errors_never_hold_the_key() {
        for e in [
            Client::builder(format!("{KEY} ")).transport(ScriptedTransport::new([])).build().unwrap_err(),
            Client::builder(KEY).base_url(format!("not a url {KEY}")).transport(ScriptedTransport::new([])).build().unwrap_err(),
            Client::builder(KEY).default_header(format!("x {KEY}"), Some("v".into())).transport(ScriptedTransport::new([])).build().unwrap_err(),
            Client::builder(KEY).default_header("x-k", Some(format!("{KEY}\n"))).transport(ScriptedTransport::new([])).build().unwrap_err(),
        ] {
            assert_clean(KEY, &e, "config");
        }
        let client = scripted([]);
        assert!(!format!("{client:?}").contains(KEY), "{client:?}");
        let builder = Client::builder(KEY).default_header("x-api-key", Some(KEY.into()));
        assert!(!format!("{builder:?}").contains(KEY), "{builder:?}");
        assert!(!format!("{:?}", client.redactor()).contains(KEY));
    }

    #[test]
    fn validation_errors_never_hold_the_key() {
        let client = scripted([]);
        let options = RequestOptions { headers: vec![(format!("x {KEY}"), Some(KEY.into()))], ..Default::default() };
        assert_clean(KEY, &run(&client.with_options(options), Call::Get).unwrap_err(), "header");
        let mut body = serde_json::Map::new();
        body.insert(KEY.into(), 1.into());
        let options = RequestOptions { body, ..Default::default() };
        assert_clean(KEY, &run(&client.with_options(options), Call::Get).unwrap_err(), "body on a GET");
        let r = block_on(client.conversations().list(ListConversationsRequest { session_id: format!("{KEY}\n"), limit: None }));
        assert_clean(KEY, &r.map(drop).unwrap_err(), "session_id");
    }
}

// ------------------------------------------------------------------------------------------------
// Headers on the wire.

mod wire_headers {
    use super::*;

    fn sorted(mut h: Vec<(String, String)>) -> Vec<(String, String)> {
        h.sort();
        h
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn bearer_key_accept_and_content_type_only_with_a_json_body() {
        let bearer = format!("Bearer {KEY}");
        for call in CALLS {
            let client = scripted([reply(200, call.success())]);
            assert_eq!(run(&client, call), Ok(()));
            let sent = &client.transport().sent()[0];
            let mut want = vec![("accept", "application/json"), ("authorization", bearer.as_str())];
            if call == Call::Post {
                want.push(("content-type", "application/json"));
            }
            assert_eq!(sorted(sent.headers.clone()), pairs(&want), "{call:?}");
        }
    }

    /// A transport may reuse what it built for a standard set (0: no body, 1: JSON, 2: multipart):
    /// the index must be the set the headers are, and none when a call adds its own.
    #[test]
    fn standard_header_sets_are_named_only_when_unchanged() {
        let steps = CALLS.map(|c| reply(200, c.success()));
        let client = scripted(steps.clone());
        for call in CALLS {
            assert_eq!(run(&client, call), Ok(()));
        }
        let sets: Vec<Option<usize>> = client.transport().sent().iter().map(|s| s.standard_headers).collect();
        assert_eq!(sets, [Some(0), Some(1), Some(0), Some(2)]);
        let client = scripted(steps);
        let extra = client.with_options(RequestOptions { headers: vec![("x-a".into(), Some("1".into()))], ..Default::default() });
        for call in CALLS {
            assert_eq!(run(&extra, call), Ok(()));
        }
        assert!(client.transport().sent().iter().all(|s| s.standard_headers.is_none() && s.header("x-a") == Some("1")));
    }

    #[test]
    fn default_headers_go_on_every_request_and_none_removes_one() {
        let steps = CALLS.map(|c| reply(200, c.success()));
        let client = Client::builder(KEY)
            .default_header("X-Team", Some("support".into()))
            .default_header("Accept", None)
            .default_header("User-Agent", Some("my-app/1.0".into()))
            .transport(ScriptedTransport::new(steps))
            .build()
            .unwrap();
        for call in CALLS {
            assert_eq!(run(&client, call), Ok(()));
        }
        let bearer = format!("Bearer {KEY}");
        for (call, sent) in CALLS.iter().zip(client.transport().sent()) {
            let mut want = vec![("authorization", bearer.as_str()), ("user-agent", "my-app/1.0"), ("x-team", "support")];
            if *call == Call::Post {
                want.push(("content-type", "application/json"));
            }
            want.sort();
            assert_eq!(sorted(sent.headers), pairs(&want), "{call:?}");
        }
    }

    #[test]
    fn bad_default_headers_are_refused_at_build() {
        for (name, value, field) in [("bad name", "v", "defaultHeaders"), ("X-A", "a\nb", "defaultHeaders.x-a"), ("X-A", "\u{100}", "defaultHeaders.x-a")] {
            let r = Client::builder(KEY).default_header(name, Some(value.into())).transport(ScriptedTransport::new([])).build();
            assert!(matches!(&r, Err(Error::Validation { field: f, .. }) if f == field), "{name:?} {value:?}: {r:?}");
        }
    }
}

// ------------------------------------------------------------------------------------------------
// The builder.

mod builder {
    use super::*;

    fn build(b: ClientBuilder<ScriptedTransport>) -> Result<Client<ScriptedTransport>, Error> {
        b.build()
    }

    fn with(key: &str) -> ClientBuilder<ScriptedTransport> {
        Client::builder(key).transport(ScriptedTransport::new([reply(200, ACCOUNT)]))
    }

    fn config_message(r: Result<Client<ScriptedTransport>, Error>) -> String {
        match r {
            Err(Error::Config { message }) => message,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_or_blank_key_is_refused_naming_the_option() {
        for key in ["", "   ", "\t\n"] {
            assert!(config_message(build(with(key))).contains("apiKey"), "{key:?}");
        }
    }

    #[test]
    fn a_key_an_http_header_cannot_carry_is_refused() {
        for key in ["sk live", "sk_live\n", " sk_live", "sk_é", "sk_\u{7f}", "sk\0"] {
            assert!(config_message(build(with(key))).contains("apiKey"), "{key:?}");
        }
    }

    #[test]
    fn base_url_must_be_absolute_http_or_https() {
        for bad in ["asyntai.com/api/v1/", "ftp://asyntai.com/", "https://", "//asyntai.com/", "", "https://exa mple.com/"] {
            assert!(config_message(build(with(KEY).base_url(bad))).contains("baseURL"), "{bad:?}");
        }
    }

    #[test]
    fn base_url_with_or_without_its_trailing_slash() {
        for (given, base) in [
            ("http://localhost:8787/api/v1", "http://localhost:8787/api/v1/"),
            ("http://localhost:8787/api/v1/", "http://localhost:8787/api/v1/"),
            ("https://proxy.example", "https://proxy.example/"),
        ] {
            let client = build(with(KEY).base_url(given)).unwrap();
            assert_eq!(client.base_url(), base);
            assert_eq!(run(&client, Call::Get), Ok(()));
            assert_eq!(client.transport().sent()[0].url, format!("{base}account/"));
        }
        assert_eq!(build(with(KEY)).unwrap().base_url(), BASE);
    }

    #[test]
    fn timeout_must_be_positive() {
        assert!(config_message(build(with(KEY).timeout(Duration::ZERO))).contains("timeout"));
        for ms in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(config_message(build(with(KEY).timeout_ms(ms))).contains("timeout"), "{ms}");
        }
        assert!(build(with(KEY).timeout(Duration::from_millis(1))).is_ok());
    }

    #[test]
    fn natively_without_a_transport_build_fails_with_a_configuration_error() {
        match Client::builder(KEY).build() {
            Err(Error::Config { message }) => assert!(message.contains("transport"), "{message}"),
            other => panic!("{other:?}"),
        }
    }
}

// ------------------------------------------------------------------------------------------------
// `Pages` on the scripted transport.

mod pages {
    use super::*;

    fn sessions(times: &[&str]) -> Step {
        let items: Vec<String> =
            times.iter().enumerate().map(|(i, t)| format!(r#"{{"session_id":"s{i}","started_at":"{t}","message_count":2}}"#)).collect();
        reply(200, &format!(r#"{{"success":true,"sessions":[{}]}}"#, items.join(",")))
    }

    fn befores(client: &Client<ScriptedTransport>) -> Vec<Option<String>> {
        client
            .transport()
            .sent()
            .iter()
            .map(|s| s.url.split_once("before=").map(|(_, b)| b.split('&').next().unwrap_or("").to_owned()))
            .collect()
    }

    #[test]
    fn pages_of_two_until_a_short_page() {
        let client = scripted([
            sessions(&["2026-01-05T00:00:00Z", "2026-01-04T00:00:00Z"]),
            sessions(&["2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z"]),
            sessions(&["2026-01-01T00:00:00Z"]),
        ]);
        let all = block_on(client.sessions().pages(ListSessionsRequest { limit: Some(2), ..Default::default() }).all()).unwrap();
        let started: Vec<&str> = all.iter().filter_map(|s| s.started_at.as_deref()).collect();
        assert_eq!(started, ["2026-01-05T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"]);
        let urls: Vec<String> = client.transport().sent().into_iter().map(|s| s.url).collect();
        assert_eq!(
            urls,
            [
                format!("{BASE}sessions/?limit=2"),
                format!("{BASE}sessions/?limit=2&before=2026-01-04T00%3A00%3A00Z"),
                format!("{BASE}sessions/?limit=2&before=2026-01-02T00%3A00%3A00Z"),
            ]
        );
    }

    #[test]
    fn an_empty_page_after_full_ones_ends_the_walk() {
        let client = scripted([sessions(&["2026-01-02", "2026-01-01"]), sessions(&[])]);
        let mut pages = client.sessions().pages(ListSessionsRequest { limit: Some(2), ..Default::default() });
        assert_eq!(block_on(pages.next_page()).unwrap().unwrap().sessions.len(), 2);
        assert_eq!(block_on(pages.next_page()).unwrap().unwrap().sessions.len(), 0);
        assert!(block_on(pages.next_page()).is_none());
        assert_eq!(client.transport().attempts(), 2);
    }

    #[test]
    fn a_repeated_page_stops_the_walk_and_no_before_is_asked_twice() {
        let page = || sessions(&["2026-01-05", "2026-01-04"]);
        // A server that ignores `before` answers the same page every time.
        let client = scripted([page(), page(), page(), page()]);
        let mut pages = client.sessions().pages(ListSessionsRequest { limit: Some(2), ..Default::default() });
        let mut n = 0;
        let mut items = 0;
        while let Some(p) = block_on(pages.next_page()) {
            items += p.unwrap().sessions.len();
            n += 1;
        }
        assert_eq!(n, 2);
        assert_eq!(items, 2, "the repeated page's items are not handed out twice");
        assert_eq!(befores(&client), [None, Some("2026-01-04".to_owned())]);
        assert_eq!(client.transport().remaining(), 2);
    }

    #[test]
    fn the_first_request_keeps_its_own_before_and_the_walk_never_goes_back() {
        let client = scripted([
            sessions(&["2026-01-05", "2026-01-04"]),
            // overlapping pages: progress, but only past the oldest cursor seen; items that are not
            // strictly older than the `before` a page was asked with are not handed out again
            sessions(&["2026-01-04", "2026-01-03"]),
            sessions(&["2026-01-03T12:00:00Z", "2026-01-03"]),
        ]);
        let req = ListSessionsRequest { limit: Some(2), before: Some("2026-01-06".into()), ..Default::default() };
        let items = block_on(client.sessions().pages(req).all()).unwrap();
        let starts: Vec<_> = items.iter().map(|s| s.started_at.clone().unwrap_or_default()).collect();
        assert_eq!(starts, ["2026-01-05", "2026-01-04", "2026-01-03"]);
        assert_eq!(befores(&client), [Some("2026-01-06".to_owned()), Some("2026-01-04".to_owned()), Some("2026-01-03".to_owned())]);
    }

    #[test]
    fn default_limits_decide_what_a_short_page_is() {
        // sessions: 20 by default, so a page of 2 is the last
        let client = scripted([sessions(&["2026-01-05", "2026-01-04"])]);
        assert_eq!(block_on(client.sessions().pages(ListSessionsRequest::default()).all()).unwrap().len(), 2);
        assert_eq!(client.transport().sent()[0].url, format!("{BASE}sessions/"));
    }

    #[test]
    fn leads_page_by_started_at_and_tickets_by_created_at() {
        let lead = |t: &str| format!(r#"{{"session_id":"s","email":"a@b.c","started_at":"{t}"}}"#);
        let client = scripted([
            reply(200, &format!(r#"{{"success":true,"leads":[{},{}]}}"#, lead("2026-01-03"), lead("2026-01-02"))),
            reply(200, &format!(r#"{{"success":true,"leads":[{}]}}"#, lead("2026-01-01"))),
        ]);
        let req = ListLeadsRequest { limit: Some(2), email: Some("a@b.c".into()), ..Default::default() };
        assert_eq!(block_on(client.leads().pages(req).all()).unwrap().len(), 3);
        assert_eq!(client.transport().sent()[1].url, format!("{BASE}leads/?limit=2&before=2026-01-02&email=a%40b.c"));

        let ticket = |n: u32, t: &str| format!(r#"{{"ticket_number":"TKT-{n:05}","created_at":"{t}","started_at":"2030-01-01"}}"#);
        let client = scripted([
            reply(200, &format!(r#"{{"success":true,"tickets":[{},{}]}}"#, ticket(2, "2026-01-03"), ticket(1, "2026-01-02"))),
            reply(200, r#"{"success":true,"tickets":[]}"#),
        ]);
        let all = block_on(client.tickets().pages(ListTicketsRequest { limit: Some(2), ..Default::default() }).all()).unwrap();
        assert_eq!(all.iter().map(|t| t.ticket_number.as_str()).collect::<Vec<_>>(), ["TKT-00002", "TKT-00001"]);
        assert_eq!(client.transport().sent()[1].url, format!("{BASE}tickets/?limit=2&before=2026-01-02"));
    }

    #[test]
    fn an_error_ends_the_walk_with_that_error() {
        let client = with_retries(0, [sessions(&["2026-01-05", "2026-01-04"]), reply(500, &error_body("oops"))]);
        let r = block_on(client.sessions().pages(ListSessionsRequest { limit: Some(2), ..Default::default() }).all());
        assert_eq!(r.map(|v| v.len()).map_err(|e| e.status()), Err(Some(500)));
        let client = with_retries(0, [sessions(&["2026-01-05", "2026-01-04"]), reply(500, &error_body("oops"))]);
        let mut pages = client.sessions().pages(ListSessionsRequest { limit: Some(2), ..Default::default() });
        assert!(block_on(pages.next_page()).unwrap().is_ok());
        assert!(block_on(pages.next_page()).unwrap().is_err());
        assert!(block_on(pages.next_page()).is_none());
    }
}

// ------------------------------------------------------------------------------------------------
// A whole session against the in-process sandbox.

#[cfg(feature = "mock")]
mod sandbox {
    use super::*;
    use crate::api::{AddTextRequest, CreateWebhookRequest, ListKnowledgeRequest};
    use crate::mock::{Limits, Mock, MockOptions, SANDBOX_EMAIL};
    use crate::transport::mock::MockTransport;
    use crate::webhook::Webhook;

    fn sandbox(options: MockOptions, key: &str) -> Client<MockTransport> {
        let transport = MockTransport::new(Mock::new(options), START_MS);
        Client::builder(key).transport(transport).build().unwrap()
    }

    #[test]
    fn a_whole_session_through_the_rust_api() {
        let client = sandbox(MockOptions::default(), "test_key");
        block_on(async {
            let sites = client.websites().list().await.unwrap();
            assert_eq!(sites.websites.len(), 1);
            assert!(sites.success && sites.websites[0].is_primary);
            let site = WebsiteId(sites.websites[0].id);

            let hours = "We are open from 9am to 5pm, Monday to Friday. Closed on public holidays.";
            let text = client
                .knowledge()
                .add_text(AddTextRequest { title: "Opening hours".into(), content: hours.into(), website_id: Some(site) })
                .await
                .unwrap();
            assert!(text.success && !text.id.is_empty() && text.chunks_created >= 1);
            assert_eq!(text.title, "Opening hours");

            let hook = client
                .webhooks()
                .create(CreateWebhookRequest { url: "https://hooks.example/asyntai".into(), events: vec!["message.received".into()], website_id: None })
                .await
                .unwrap();
            assert!(hook.webhook.secret.starts_with("whsec_"), "{}", hook.webhook.secret);
            assert_eq!(hook.webhook.events, ["message.received"]);

            let answer = client.chat().send(ChatRequest { message: "When are you open on Monday?".into(), ..Default::default() }).await.unwrap();
            assert!(answer.response.contains("9am to 5pm"), "grounded in the knowledge: {}", answer.response);
            assert!(!answer.session_id.is_empty());
            let session = answer.session_id.clone();

            // the delivery, signed with the webhook's secret
            let deliveries = client.transport().deliveries();
            assert_eq!(deliveries.len(), 1);
            let event = Webhook::new(&hook.webhook.secret).unwrap().verify(deliveries[0].body.as_bytes(), &deliveries[0].signature).unwrap();
            assert_eq!(event.event, "message.received");
            assert_eq!(event.payload["session_id"], session.as_str());

            let second = client
                .chat()
                .send(ChatRequest { message: "Please email me at jane@example.com".into(), session_id: Some(session.clone()), website_id: Some(site) })
                .await
                .unwrap();
            assert_eq!(second.session_id, session);

            let conversation = client.conversations().list(ListConversationsRequest { session_id: session.clone(), limit: None }).await.unwrap();
            assert_eq!(conversation.session_id, session);
            let roles: Vec<&str> = conversation.messages.iter().map(|m| m.role.as_str()).collect();
            assert_eq!(roles, ["user", "assistant", "user", "assistant"]);
            assert_eq!(conversation.messages[0].content, "When are you open on Monday?");
            assert!(!conversation.messages[0].timestamp.is_empty());

            let sessions = client.sessions().list(ListSessionsRequest::default()).await.unwrap();
            assert_eq!(sessions.sessions.len(), 1);
            let s = &sessions.sessions[0];
            assert_eq!((s.session_id.as_str(), s.source.as_str(), s.message_count), (session.as_str(), "api", 4));
            assert_eq!(s.first_message, "When are you open on Monday?");

            let leads = client.leads().list(ListLeadsRequest::default()).await.unwrap();
            assert_eq!(leads.leads.len(), 1);
            assert_eq!(leads.leads[0].email.as_deref(), Some("jane@example.com"));
            assert_eq!(leads.leads[0].session_id, session);

            let account = client.account().get().await.unwrap();
            assert_eq!(account.account.email, SANDBOX_EMAIL);
            assert_eq!((account.account.plan.as_str(), account.account.messages_used, account.account.messages_limit), ("starter", 2, 2_500));

            let listed = client.webhooks().list().await.unwrap();
            assert_eq!(listed.webhooks.len(), 1);
            assert_eq!(listed.webhooks[0].id, hook.webhook.id);
            assert!(listed.webhooks[0].is_active);
            let deleted = client.webhooks().delete(&hook.webhook.id).await.unwrap();
            assert!(deleted.success && !deleted.message.is_empty());
            assert!(client.webhooks().list().await.unwrap().webhooks.is_empty());

            let csv = b"question,answer\nDo you ship abroad?,Yes we ship worldwide within 5 days\n".to_vec();
            let sheet = client
                .knowledge()
                .upload_spreadsheet(UploadSpreadsheetRequest { file: csv, filename: Some("faq.csv".into()), website_id: None })
                .await
                .unwrap();
            assert_eq!((sheet.title.as_str(), sheet.rows_processed), ("faq.csv", 1));
            let entries = client.knowledge().list(ListKnowledgeRequest::default()).await.unwrap().entries;
            assert_eq!(entries.len(), 2);
            let kinds: Vec<&str> = entries.iter().map(|e| e.kind.as_str()).collect();
            assert!(kinds.contains(&"text") && kinds.contains(&"spreadsheet"), "{kinds:?}");
            let shipping = client.chat().send(ChatRequest { message: "Do you ship abroad?".into(), ..Default::default() }).await.unwrap();
            assert!(shipping.response.contains("worldwide"), "{}", shipping.response);

            client.knowledge().delete(&text.id).await.unwrap();
            let entries = client.knowledge().list(ListKnowledgeRequest::default()).await.unwrap().entries;
            assert_eq!(entries.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), [sheet.id.as_str()]);
            let gone = client.knowledge().delete(&text.id).await.unwrap_err();
            assert_eq!(gone.status(), Some(404));
        });
        // nothing was retried: the virtual clock never moved
        assert_eq!(client.transport().now_ms(), START_MS);
    }

    #[test]
    fn a_wrong_key_is_a_401_that_does_not_show_the_key() {
        let client = sandbox(MockOptions::default(), "sk_wrong_key_1234");
        let e = block_on(client.account().get()).unwrap_err();
        match &e {
            Error::Api(a) => {
                assert_eq!((a.status, a.kind), (401, ApiErrorKind::Authentication));
                assert!(a.error.as_deref().is_some_and(|m| !m.is_empty()));
                assert_eq!(a.header("content-type"), Some("application/json"));
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{e:?}{e}").contains("sk_wrong_key_1234"));
    }

    #[test]
    fn the_quota_is_a_429_raised_at_once() {
        let limits = Limits { messages_per_month: 1, upload_chars_per_day: 1_000, spreadsheet_rows: 10 };
        let client = sandbox(MockOptions { limits: Some(limits), ..Default::default() }, "test_key");
        let hi = || ChatRequest { message: "hi".into(), ..Default::default() };
        block_on(client.chat().send(hi())).unwrap();
        match block_on(client.chat().send(hi())) {
            Err(Error::Api(a)) => assert_eq!((a.status, a.kind, a.retry_after), (429, ApiErrorKind::RateLimit, None)),
            other => panic!("{other:?}"),
        }
        assert_eq!(client.transport().now_ms(), START_MS, "no retry, no sleep");
        assert_eq!(block_on(client.account().get()).unwrap().account.messages_used, 1);
    }

    #[test]
    fn extra_query_parameters_reach_the_sandbox_and_unknown_ids_are_404s() {
        let client = sandbox(MockOptions::default(), "test_key");
        let options = RequestOptions { query: vec![("limit_typo".into(), "x".into())], ..Default::default() };
        assert!(block_on(client.with_options(options).sessions().list(ListSessionsRequest::default())).is_ok());
        let r = block_on(client.conversations().list(ListConversationsRequest { session_id: "nope".into(), limit: None }));
        assert_eq!(r.unwrap_err().status(), Some(404));
    }
}

// ------------------------------------------------------------------------------------------------
// Webhook, the Rust API.

#[cfg(feature = "webhooks")]
mod webhooks {
    use super::*;
    use crate::webhook::{Reason, Webhook};

    const SECRET: &str = "whsec_rust_vector";
    const BODY: &str = r#"{"event":"message.received","payload":{"session_id":"s1","message":"Grüße"}}"#;
    /// `printf '%s' "$BODY" | openssl dgst -sha256 -hmac whsec_rust_vector`
    const SIGNATURE: &str = "e6ac809373fa574badfbe08f2635d1fa125d6dcd240f97317de2ba9f34f51089";

    fn reason(r: Result<crate::webhook::WebhookEvent, Error>) -> Reason {
        match r {
            Err(Error::Webhook { reason, message }) => {
                assert_eq!(message, reason.message());
                reason
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn verifies_a_signature_made_by_openssl() {
        let wh = Webhook::new(SECRET).unwrap();
        let event = wh.verify(BODY.as_bytes(), SIGNATURE).unwrap();
        assert_eq!(event.event, "message.received");
        assert_eq!(event.payload, serde_json::json!({"session_id": "s1", "message": "Grüße"}));
        for header in [SIGNATURE.to_uppercase(), format!("sha256={SIGNATURE}"), format!("  SHA256={SIGNATURE}\r\n")] {
            assert!(wh.is_valid(BODY.as_bytes(), &header), "{header:?}");
        }
        assert_eq!(crate::webhook::sign(SECRET.as_bytes(), BODY.as_bytes()), SIGNATURE);
    }

    #[test]
    fn rotation_accepts_either_secret() {
        let both = Webhook::with_secrets(&["whsec_new", SECRET]).unwrap();
        assert!(both.verify(BODY.as_bytes(), SIGNATURE).is_ok());
        let reversed = Webhook::with_secrets(&[SECRET, "whsec_new"]).unwrap();
        assert!(reversed.is_valid(BODY.as_bytes(), SIGNATURE));
        let new_only = Webhook::with_secrets(&["whsec_new"]).unwrap();
        assert_eq!(reason(new_only.verify(BODY.as_bytes(), SIGNATURE)), Reason::SignatureMismatch);
    }

    #[test]
    fn each_failure_reason() {
        let wh = Webhook::new(SECRET).unwrap();
        let body = BODY.as_bytes();
        assert_eq!(reason(wh.verify(body, "")), Reason::MissingSignature);
        assert_eq!(reason(wh.verify(body, "  \t")), Reason::MissingSignature);
        for bad in ["abc", &SIGNATURE[..63], &format!("{SIGNATURE}0"), &format!("sha1={SIGNATURE}"), &format!("{}zz", &SIGNATURE[..62])] {
            assert_eq!(reason(wh.verify(body, bad)), Reason::MalformedSignature, "{bad}");
        }
        let flipped = format!("{}0", &SIGNATURE[..63]);
        assert_eq!(reason(wh.verify(body, &flipped)), Reason::SignatureMismatch);
        // the body re-serialized (key order, spaces) no longer matches
        let reserialized = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(BODY).unwrap()).unwrap();
        assert_ne!(reserialized, BODY);
        assert_eq!(reason(wh.verify(reserialized.as_bytes(), SIGNATURE)), Reason::SignatureMismatch);
        for not_an_object in ["not json", "[1]", "42", ""] {
            let sig = crate::webhook::sign(SECRET.as_bytes(), not_an_object.as_bytes());
            assert_eq!(reason(wh.verify(not_an_object.as_bytes(), &sig)), Reason::InvalidJson, "{not_an_object:?}");
            assert!(wh.is_valid(not_an_object.as_bytes(), &sig), "the signature itself is good");
        }
        assert!(!wh.is_valid(body, "garbage"));
        for secrets in [&[][..], &[""], &[SECRET, ""]] {
            match Webhook::with_secrets(secrets) {
                Err(Error::Webhook { reason, .. }) => assert_eq!(reason, Reason::MissingSecret, "{secrets:?}"),
                other => panic!("{secrets:?}: {other:?}"),
            }
        }
        assert!(matches!(Webhook::new(""), Err(Error::Webhook { reason: Reason::MissingSecret, .. })));
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let wh = Webhook::new(SECRET).unwrap();
        assert!(!format!("{wh:?}").contains(SECRET));
    }
}

mod redaction_by_bytes {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The byte search finds what `str::find` finds, and the redaction equals `str::replace`'s
        /// (std as the oracle: the client's own search avoids it for size, not for another meaning).
        #[test]
        fn same_as_std(text in "(é|ü|a|b|k|ke|key|\\\\|/|\"){0,24}", key in "(é|a|k|ke|key|/|\"){1,4}") {
            prop_assert_eq!(find(&text, &key), text.find(key.as_str()));
            let redactor = Redactor { spellings: vec![key.clone()] };
            prop_assert_eq!(redactor.redact(&text).into_owned(), text.replace(key.as_str(), "[redacted]"));
        }
    }

    #[test]
    fn an_empty_needle_is_never_found() {
        assert_eq!(find("abc", ""), None);
    }
}
