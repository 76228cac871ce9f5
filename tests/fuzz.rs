//! Fuzzing of the typed core with proptest: options objects read into the request structs
//! (`Params` + `FromParams` + `validate` + `build`, for every operation), the response classifier,
//! the retry policy, its `Retry-After` parser and the retry loop itself (the client over a scripted
//! transport), `parse_timestamp`, the webhook signature header parser and verifier, and the
//! sandbox's request handling.
//!
//! Every property runs `FUZZ_CASES` cases (default 1,000, so `cargo test` stays quick); `make fuzz` runs
//! the long campaign with millions of cases in total. Each property prints `fuzz <name>: <n> cases run`
//! (shown with `-- --nocapture`); a panic anywhere fails the property with its shrunk input.
//!
//! Expected values come from independent oracles written here or from other implementations
//! (serde_json for JSON, the SHA-256 primitive for HMAC, a hand-written calendar for dates, the
//! spec's validation rules restated), never from the code under test.
//!
//! The core no longer dispatches by operation name: the name -> request type table is this file's
//! ([`build`]). The sandbox property needs the `mock` feature (`cargo test --features mock`); the
//! others run with the default features (`make fuzz`).
#![cfg(all(feature = "client", feature = "webhooks", not(target_arch = "wasm32")))]

use std::sync::atomic::{AtomicU64, Ordering};

use asyntai_edge::api::{
    self, AddTextRequest, AddUrlRequest, ApiRequest, Body, BodyView, ChatRequest, CreateWebhookRequest,
    DeleteKnowledgeRequest, DeleteWebhookRequest, FromParams, GetAccountRequest, ListConversationsRequest,
    ListKnowledgeRequest, ListLeadsRequest, ListSessionsRequest, ListTicketsRequest, ListWebhooksRequest,
    ListWebsitesRequest, Loose, Method, Operation, Params, SpreadsheetFile, UploadSpreadsheetRequest,
};
use asyntai_edge::error::{ApiErrorKind, Error};
use asyntai_edge::retry::{self, Decision, Outcome};
use asyntai_edge::transport;
use asyntai_edge::webhook::{self, Reason, Verifier, Webhook};
use asyntai_edge::Client;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// The scripted transport of the crate's own tests (`crate::api` and `crate::transport` resolve to
/// the imports above).
#[allow(dead_code)]
#[path = "../src/transport/scripted.rs"]
mod scripted;

// ------------------------------------------------------------------------------------------------
// The runner: counts the cases, prints the count, fails with the shrunk input.

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000)
}

fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    };
    let count = AtomicU64::new(0);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |v| {
        count.fetch_add(1, Ordering::Relaxed);
        test(v)
    });
    let n = count.load(Ordering::Relaxed);
    match result {
        Ok(()) => println!("fuzz {name}: {n} cases run, no panic, every property held"),
        Err(e) => panic!("fuzz {name}: FAILED after {n} cases: {e}"),
    }
}

// ------------------------------------------------------------------------------------------------
// Generators shared by several properties.

/// Text that stresses parsers: any printable Unicode, control characters, quotes, escapes, URL
/// delimiters, dot segments, long runs.
fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,24}",
        4 => "[\\x00-\\x1f\\x7f\"\\\\/.%?#&=+ a-zA-Z0-9\u{2028}\u{fffd}\u{202e}é😀]{0,24}",
        1 => Just(String::new()),
        1 => prop::sample::select(vec![".", "..", "../x", "%2e%2e", "%2E.", "a/b", "a?b", "a#b", "a\r\nb", "a\0b", " ", "\t", "\u{85}"])
            .prop_map(str::to_owned),
        1 => "[0-9]{1,20}",
        1 => (prop::sample::select(vec!['a', '.', '\u{e9}', '/']), 2_040usize..2_060).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u64..130).prop_map(Value::from),
        prop::sample::select(vec![9_007_199_254_740_992u64, 9_007_199_254_740_993, u64::MAX]).prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        (0u32..200).prop_map(|n| Value::from(f64::from(n) + 0.5)),
    ]
}

fn arb_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        3 => arb_number(),
        5 => arb_text().prop_map(Value::String),
    ]
}

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
        1 => "[\\x00-\\x1f a-z]{0,8}",
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    arb_scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A change to a JSON text: cut it, insert a character, delete one, or pretty-print it.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    Pretty,
    Truncate(Index),
    Insert(Index, char),
    Delete(Index),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::None),
        1 => Just(Mutation::Pretty),
        2 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), prop::sample::select(vec!['"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', '.', 'e', 'u', ' ', '\n', '\0', 'n', 't']))
            .prop_map(|(i, c)| Mutation::Insert(i, c)),
        2 => any::<Index>().prop_map(Mutation::Delete),
    ]
}

fn mutate(v: &Value, m: &Mutation) -> String {
    let text = match m {
        Mutation::Pretty => serde_json::to_string_pretty(v).unwrap(),
        _ => serde_json::to_string(v).unwrap(),
    };
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    match m {
        Mutation::None | Mutation::Pretty => text,
        Mutation::Truncate(i) => text[..bounds[i.index(bounds.len())]].to_owned(),
        Mutation::Insert(i, c) => {
            let at = bounds[i.index(bounds.len())];
            format!("{}{c}{}", &text[..at], &text[at..])
        }
        Mutation::Delete(i) => {
            if bounds.len() < 2 {
                return text;
            }
            let k = i.index(bounds.len() - 1);
            format!("{}{}", &text[..bounds[k]], &text[bounds[k + 1]..])
        }
    }
}

/// JSON texts: valid documents, damaged ones, and strings over JSON's own alphabet.
fn arb_json_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (arb_json(), arb_mutation()).prop_map(|(v, m)| mutate(&v, &m)),
        2 => "[\\[\\]{}\",:0-9eE.+\\- \\t\\r\\ntrufalsn\\\\/bu]{0,40}",
        1 => "\\PC{0,40}",
        1 => (1usize..200, prop::sample::select(vec!["[", "{\"a\":", "[{\"b\":"]))
            .prop_map(|(n, open)| format!("{}1{}", open.repeat(n), "]".repeat(n))),
    ]
}

// ------------------------------------------------------------------------------------------------
// Oracles shared by several properties.

/// serde_json's reading of a text: the JSON value, when it is JSON (what JSON.parse reads too, up
/// to serde_json's nesting limit).
fn reference_parse(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text).ok()
}

fn kind_for(status: u16) -> ApiErrorKind {
    match status {
        400 => ApiErrorKind::BadRequest,
        401 => ApiErrorKind::Authentication,
        403 => ApiErrorKind::PermissionDenied,
        404 => ApiErrorKind::NotFound,
        429 => ApiErrorKind::RateLimit,
        503 => ApiErrorKind::ServiceUnavailable,
        500..=599 => ApiErrorKind::InternalServer,
        _ => ApiErrorKind::Other,
    }
}

fn has_line_break_or_nul(s: &str) -> bool {
    s.contains(['\r', '\n', '\0'])
}

// ------------------------------------------------------------------------------------------------
// 1. The response classifier.

fn arb_status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![200u16, 201, 204, 299, 300, 304, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504, 599]),
        1 => any::<u16>(),
        1 => 100u16..600,
    ]
}

fn arb_body() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => arb_json_text(),
        3 => (arb_json(), arb_json(), any::<bool>()).prop_map(|(s, e, with_error)| {
            let mut m = serde_json::Map::new();
            m.insert("success".into(), s);
            if with_error {
                m.insert("error".into(), e);
            }
            serde_json::to_string(&Value::Object(m)).unwrap()
        }),
        // Objects with repeated keys: JSON.parse (JavaScript's reader) and serde_json keep the last.
        2 => prop::collection::vec((prop::sample::select(vec!["success", "error", "x"]), arb_json()), 0..5).prop_map(|kv| {
            let members: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{}", serde_json::to_string(v).unwrap())).collect();
            format!("{{{}}}", members.join(","))
        }),
        1 => "<[a-zA-Z]{1,8}>\\PC{0,40}",
        1 => "[ \\t\\r\\n]{0,4}",
    ]
}

/// The view, restated: what the classifier must know of a body.
fn reference_view(body: &str) -> BodyView {
    match reference_parse(body) {
        Some(Value::Object(o)) => BodyView::Object {
            success_false: o.get("success") == Some(&Value::Bool(false)),
            error: o.get("error").and_then(Value::as_str).map(str::to_owned),
        },
        Some(_) => BodyView::NotObject,
        None => BodyView::NotJson,
    }
}

#[test]
fn fuzz_classify() {
    fuzz("response classify", (arb_status(), arb_body()), |(status, body)| {
        let view = BodyView::of_json(reference_parse(&body).as_ref());
        prop_assert_eq!(&view, &reference_view(&body), "the view of {:?}", body);
        let got = api::classify(status, &view, &body);
        let ok_status = (200..300).contains(&status);
        match (&view, &got) {
            (_, Ok(())) => {
                prop_assert!(ok_status, "Ok for status {}", status);
                prop_assert!(matches!(view, BodyView::Object { success_false: false, .. }), "{:?} -> Ok", body);
            }
            (_, Err(Error::Connection { message, cause })) => {
                prop_assert!(ok_status, "a connection error for status {}", status);
                prop_assert!(!matches!(view, BodyView::Object { .. }), "{:?}: an object is no connection error", body);
                prop_assert!(!message.is_empty() && cause.is_none());
                prop_assert!(body.trim().len() < 16 || !message.contains(body.trim()), "the message quotes the body: {}", message);
            }
            (_, Err(Error::Api(a))) => {
                prop_assert!(!ok_status || matches!(view, BodyView::Object { success_false: true, .. }), "{} {:?}", status, body);
                prop_assert_eq!(a.status, status);
                prop_assert_eq!(a.kind, if ok_status { ApiErrorKind::Other } else { kind_for(status) });
                let expected_error = match &view {
                    BodyView::Object { error, .. } => error.clone(),
                    _ => None,
                };
                prop_assert_eq!(&a.error, &expected_error);
                prop_assert!(a.message.starts_with(&status.to_string()), "message {:?}", a.message);
                if let Some(e) = &expected_error {
                    prop_assert!(a.message.ends_with(e.as_str()), "message {:?}", a.message);
                }
                prop_assert!(a.retry_after.is_none() && a.headers.is_empty() && a.body.is_empty(), "the caller's to fill");
            }
            (_, Err(other)) => prop_assert!(false, "{:?} from classify", other),
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------
// 2. The retry policy and `Retry-After`.

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// IMF-fixdate of a Unix time, by counting days forward through the calendar (not the algorithm the
/// code under test uses).
fn imf_fixdate(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let mut year = 1970i64;
    let mut d = days;
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    // Jump whole 400-year cycles (146,097 days each), then walk.
    year += 400 * d.div_euclid(146_097);
    d = d.rem_euclid(146_097);
    loop {
        let len = if leap(year) { 366 } else { 365 };
        if d < len {
            break;
        }
        d -= len;
        year += 1;
    }
    let lens = [31, if leap(year) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 0;
    while d >= lens[month] {
        d -= lens[month];
        month += 1;
    }
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d + 1,
        MONTHS[month],
        year,
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[test]
fn imf_fixdate_oracle_matches_known_dates() {
    // RFC 9110's example and two dates checked with `date -u -d @<secs>`.
    assert_eq!(imf_fixdate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(imf_fixdate(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
}

#[derive(Debug, Clone)]
enum RetryAfterInput {
    Seconds(u32),
    Fraction(u32, u32),
    Date { at: i64, now: i64 },
    Datelike(String),
    /// A well-formed date in any year an i64 holds.
    AnyYear(i64, u8),
    Any(String),
}

fn arb_retry_after() -> impl Strategy<Value = (RetryAfterInput, f64)> {
    let now = prop_oneof![any::<f64>(), 0.0f64..4e12];
    (
        prop_oneof![
            any::<u32>().prop_map(|s| RetryAfterInput::Seconds(s % 1_000_000_000)),
            (0u32..100_000, 0u32..1_000_000).prop_map(|(a, b)| RetryAfterInput::Fraction(a, b)),
            (0i64..253_402_300_799, -100_000i64..100_000).prop_map(|(at, d)| RetryAfterInput::Date { at, now: (at + d).max(0) }),
            "(Mon|Sun|XYZ|)(, )?[0-9]{0,22} (Jan|Feb|Dec|jan|Foo) -?[0-9]{0,22} [0-9]{0,12}:[0-9]{0,12}:[0-9]{0,12} (GMT|UTC|PST)( x)?"
                .prop_map(RetryAfterInput::Datelike),
            (any::<i64>(), 1u8..=28).prop_map(|(y, d)| RetryAfterInput::AnyYear(y, d)),
            (-1_000_000i64..1_000_000_000_000_000, 1u8..=28).prop_map(|(y, d)| RetryAfterInput::AnyYear(y, d)),
            "\\PC{0,40}".prop_map(RetryAfterInput::Any),
            "[0-9.+\\-eE ]{0,14}".prop_map(RetryAfterInput::Any),
        ],
        now,
    )
}

#[test]
fn fuzz_retry_after() {
    fuzz("retry-after parser", arb_retry_after(), |(input, now)| {
        let (text, now, expected) = match &input {
            RetryAfterInput::Seconds(s) => (s.to_string(), now, Some(f64::from(*s))),
            RetryAfterInput::Fraction(a, b) => {
                let t = format!("{a}.{b:06}");
                let expected: f64 = t.parse().unwrap();
                (t, now, Some(expected))
            }
            RetryAfterInput::Date { at, now } => {
                let expected = ((at - now) as f64).max(0.0);
                (imf_fixdate(*at), (*now as f64) * 1000.0, Some(expected))
            }
            RetryAfterInput::AnyYear(y, d) => (format!("Sun, {d:02} Nov {y} 08:49:37 GMT"), now, None),
            RetryAfterInput::Datelike(t) | RetryAfterInput::Any(t) => (t.clone(), now, None),
        };
        let got = retry::parse_retry_after(&text, now);
        if let Some(v) = got {
            prop_assert!(v.is_finite() && v >= 0.0, "{:?} -> {}", text, v);
        }
        if let Some(e) = expected {
            let g = got.unwrap_or(f64::NAN);
            prop_assert!((g - e).abs() < 1e-6, "{:?} (now {}) -> {:?}, expected {}", text, now, got, e);
        }
        Ok(())
    });
}

#[test]
fn fuzz_retry_decide() {
    let method = prop::sample::select(vec![Method::Get, Method::Post, Method::Delete]);
    let outcome = prop_oneof![
        Just(Outcome::Network),
        Just(Outcome::Timeout),
        any::<u16>().prop_map(Outcome::Status),
        prop::sample::select(vec![408u16, 429, 500, 502, 503, 504]).prop_map(Outcome::Status),
    ];
    // What parse_retry_after can give.
    let ra = prop_oneof![Just(None), (0.0f64..120.0).prop_map(Some), (0.0f64..1e9).prop_map(Some)];
    let counts = prop_oneof![4 => (0u32..20, 0u32..20), 1 => (any::<u32>(), any::<u32>())];
    fuzz("retry decide", (counts, method, outcome, ra, 0.0f64..1.0), |((done, max), method, outcome, ra, random)| {
        let d = retry::decide(done, max, method, outcome, ra, random);
        let allowed = match (method, outcome) {
            (Method::Post, Outcome::Status(503)) => true,
            (_, Outcome::Status(429)) => ra.is_some(),
            (Method::Post, _) => false,
            (_, Outcome::Network | Outcome::Timeout) => true,
            (_, Outcome::Status(s)) => matches!(s, 408 | 500 | 502 | 503 | 504),
        };
        match d {
            Decision::Stop => {
                let beyond_cap = ra.is_some_and(|s| s > 60.0);
                prop_assert!(done >= max || !allowed || beyond_cap, "stopped: {:?}", (done, max, method, outcome, ra));
            }
            Decision::Retry(ms) => {
                prop_assert!(done < max && allowed, "retried: {:?}", (done, max, method, outcome, ra));
                prop_assert!((0.0..=60_000.0).contains(&ms), "delay {}", ms);
                match ra {
                    Some(s) => prop_assert!((ms - s * 1000.0).abs() < 1e-6),
                    None => prop_assert!(ms <= 8_000.0 && ms >= 0.75 * 500.0_f64.min(8_000.0)),
                }
            }
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------
// 3. The webhook signature header parser and verifier.

/// RFC 2104 HMAC-SHA256 from the SHA-256 primitive (not the `hmac` crate the code uses).
fn reference_hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner = Sha256::new().chain_update(block.map(|b| b ^ 0x36)).chain_update(msg).finalize();
    let outer = Sha256::new().chain_update(block.map(|b| b ^ 0x5c)).chain_update(inner).finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&outer);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The spec's header rule restated: trim ASCII whitespace, drop an optional `sha256=` (any case),
/// then exactly 64 hex digits.
fn reference_header(h: &[u8]) -> Result<[u8; 32], Reason> {
    let t = h.trim_ascii();
    if t.is_empty() {
        return Err(Reason::MissingSignature);
    }
    let t = if t.len() >= 7 && t[..7].eq_ignore_ascii_case(b"sha256=") { &t[7..] } else { t };
    if t.len() != 64 || !t.iter().all(u8::is_ascii_hexdigit) {
        return Err(Reason::MalformedSignature);
    }
    let s = std::str::from_utf8(t).unwrap();
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    Ok(out)
}

#[derive(Debug, Clone)]
enum HeaderMode {
    /// The right signature, in a random case, with a prefix and whitespace.
    Good { upper: u64, prefix: Option<&'static str>, lead: String, trail: String },
    /// The right signature with one character replaced.
    Flip(Index, char),
    /// Anything.
    Bytes(Vec<u8>),
    Text(String),
    Absent,
}

fn arb_header_mode() -> impl Strategy<Value = HeaderMode> {
    prop_oneof![
        3 => (any::<u64>(), prop::option::of(prop::sample::select(vec!["sha256=", "SHA256=", "Sha256=", "sha256:", "sha1="])), "[ \\t\\r\\n\\x0b\\x0c]{0,3}", "[ \\t\\r\\n\\x0b\\x0c]{0,3}")
            .prop_map(|(upper, prefix, lead, trail)| HeaderMode::Good { upper, prefix, lead, trail }),
        2 => (any::<Index>(), prop::sample::select(vec!['0', 'f', 'F', 'g', ' ', '\0', '\u{e9}'])).prop_map(|(i, c)| HeaderMode::Flip(i, c)),
        1 => prop::collection::vec(any::<u8>(), 0..80).prop_map(HeaderMode::Bytes),
        1 => "(sha256=)?[0-9a-fA-F]{60,68}".prop_map(HeaderMode::Text),
        1 => "\\PC{0,80}".prop_map(HeaderMode::Text),
        1 => Just(HeaderMode::Absent),
    ]
}

#[test]
fn fuzz_webhook_verify() {
    let secrets = prop::collection::vec(
        prop_oneof![prop::collection::vec(any::<u8>(), 0..80), "[ -~]{0,40}".prop_map(String::into_bytes)],
        0..4,
    );
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        arb_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        arb_json_text().prop_map(String::into_bytes),
        (arb_json(), arb_json()).prop_map(|(e, p)| serde_json::to_vec(&serde_json::json!({"event": e, "payload": p})).unwrap()),
    ];
    fuzz("webhook verify", (secrets, any::<Index>(), body, arb_header_mode()), |(secrets, which, body, mode)| {
        let signer: &[u8] = if secrets.is_empty() { b"whsec_none" } else { &secrets[which.index(secrets.len())] };
        let good = hex(&reference_hmac(signer, &body));
        let header: Option<Vec<u8>> = match &mode {
            HeaderMode::Good { upper, prefix, lead, trail } => {
                let cased: String = good
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if upper >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c })
                    .collect();
                Some(format!("{lead}{}{cased}{trail}", prefix.unwrap_or("")).into_bytes())
            }
            HeaderMode::Flip(i, c) => {
                let mut chars: Vec<char> = good.chars().collect();
                let k = i.index(64);
                chars[k] = *c;
                Some(chars.into_iter().collect::<String>().into_bytes())
            }
            HeaderMode::Bytes(b) => Some(b.clone()),
            HeaderMode::Text(t) => Some(t.clone().into_bytes()),
            HeaderMode::Absent => None,
        };
        let raw = header.clone().unwrap_or_default();
        let expected = if secrets.is_empty() || secrets.iter().any(Vec::is_empty) {
            Err(Reason::MissingSecret)
        } else {
            reference_header(&raw).and_then(|tag| {
                if secrets.iter().any(|s| reference_hmac(s, &body) == tag) {
                    Ok(())
                } else {
                    Err(Reason::SignatureMismatch)
                }
            })
        };
        let refs: Vec<&[u8]> = secrets.iter().map(Vec::as_slice).collect();
        let mut verifier = Verifier::new();
        for s in &refs {
            verifier.add(s);
        }
        prop_assert_eq!(verifier.verify_bytes(&body, &raw), expected, "header {:?}", String::from_utf8_lossy(&raw));
        if !secrets.is_empty() {
            prop_assert_eq!(webhook::sign(signer, &body), good.clone());
        }
        let Ok(text) = std::str::from_utf8(&raw) else { return Ok(()) };
        let h = header.as_ref().map(|_| text);
        prop_assert_eq!(webhook::verify_signature(&refs, &body, h), expected);
        prop_assert_eq!(verifier.verify(&body, h), expected);
        // The Rust API (secrets as text): a good signature on a body that is not a JSON object, or
        // whose `event` is not a string, is invalid_json.
        let Ok(strs) = secrets.iter().map(|s| std::str::from_utf8(s)).collect::<Result<Vec<&str>, _>>() else { return Ok(()) };
        let reason = |e: Error| match e {
            Error::Webhook { reason, .. } => Some(reason),
            _ => None,
        };
        let wh = match Webhook::with_secrets(&strs) {
            Ok(wh) => wh,
            Err(e) => {
                prop_assert_eq!(reason(e), Some(Reason::MissingSecret));
                prop_assert_eq!(expected, Err(Reason::MissingSecret));
                return Ok(());
            }
        };
        prop_assert_eq!(wh.is_valid(&body, text), expected.is_ok());
        let full = wh.verify(&body, text);
        match expected {
            Err(r) => prop_assert_eq!(full.err().and_then(reason), Some(r)),
            Ok(()) => {
                let event_ok = match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(o)) => o.get("event").map_or(true, Value::is_string),
                    _ => false,
                };
                match full {
                    Ok(event) => {
                        prop_assert!(event_ok, "accepted {:?}", String::from_utf8_lossy(&body));
                        let parsed: Value = serde_json::from_slice(&body).unwrap();
                        prop_assert_eq!(Some(event.event.as_str()), parsed.get("event").map(|e| e.as_str().unwrap()).or(Some("")));
                        prop_assert_eq!(&event.payload, parsed.get("payload").unwrap_or(&Value::Null));
                    }
                    Err(e) => {
                        prop_assert!(!event_ok, "refused {:?}: {:?}", String::from_utf8_lossy(&body), e);
                        prop_assert_eq!(reason(e), Some(Reason::InvalidJson));
                    }
                }
            }
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------
// 4. Options objects read into the request structs, validated and built, for every operation.

/// Every operation by its JavaScript name.
const OPERATIONS: &[&str] = &[
    "chat.send",
    "websites.list",
    "conversations.list",
    "sessions.list",
    "leads.list",
    "account.get",
    "knowledge.list",
    "knowledge.addText",
    "knowledge.addUrl",
    "knowledge.uploadSpreadsheet",
    "knowledge.delete",
    "webhooks.list",
    "webhooks.create",
    "webhooks.delete",
    "tickets.list",
];

/// A spreadsheet of `n` bytes, as far as validation sees it (its bytes are the caller's).
#[derive(Debug)]
struct SizedFile(u64);

impl SpreadsheetFile for SizedFile {
    fn byte_len(&self) -> u64 {
        self.0
    }
    fn looks_like_xlsx(&self) -> bool {
        false
    }
}

fn validated<O: Operation>(op: O) -> Result<ApiRequest, Error> {
    op.validate()?;
    Ok(op.build())
}

fn read<O: FromParams + Operation>(p: Params) -> Result<ApiRequest, Error> {
    validated(O::from_params(p)?)
}

fn nothing<O: Operation>(p: Params, op: O) -> Result<ApiRequest, Error> {
    p.finish()?;
    validated(op)
}

/// The request of operation `op` for the options object `text` (JSON): what the JavaScript surface
/// does with a call's options. The upload's `file` is stood in for by its `size`; the deletes take
/// their `id` from the object.
fn build(op: &str, text: &str) -> Result<ApiRequest, Error> {
    let mut p = Params::from_json_text(text)?;
    match op {
        "chat.send" => read::<ChatRequest>(p),
        "websites.list" => nothing(p, ListWebsitesRequest),
        "conversations.list" => read::<ListConversationsRequest>(p),
        "sessions.list" => read::<ListSessionsRequest>(p),
        "leads.list" => read::<ListLeadsRequest>(p),
        "account.get" => nothing(p, GetAccountRequest),
        "knowledge.list" => read::<ListKnowledgeRequest>(p),
        "knowledge.addText" => read::<AddTextRequest>(p),
        "knowledge.addUrl" => read::<AddUrlRequest>(p),
        "knowledge.uploadSpreadsheet" => {
            let req = UploadSpreadsheetRequest {
                filename: p.string("filename")?,
                file: SizedFile(p.size("size")?.unwrap_or(0)),
                website_id: p.website_id()?,
            };
            nothing(p, req)
        }
        "knowledge.delete" => {
            let id = p.required_id("id")?;
            nothing(p, DeleteKnowledgeRequest { id })
        }
        "webhooks.list" => nothing(p, ListWebhooksRequest),
        "webhooks.create" => read::<CreateWebhookRequest>(p),
        "webhooks.delete" => {
            let id = p.required_id("id")?;
            nothing(p, DeleteWebhookRequest { id })
        }
        "tickets.list" => read::<ListTicketsRequest>(p),
        _ => Err(Error::validation("operation", "unknown operation")),
    }
}

/// Every option name an operation takes, plus misspellings.
const FIELDS: &[&str] = &[
    "message", "session_id", "website_id", "limit", "source", "title", "content", "url", "events", "filename", "size",
    "id", "since", "before", "email", "sessionId", "websiteId", "extra",
];

fn allowed(op: &str) -> &'static [&'static str] {
    match op {
        "chat.send" => &["message", "session_id", "website_id"],
        "conversations.list" => &["session_id", "limit"],
        "sessions.list" => &["limit", "website_id", "source", "since", "before"],
        "leads.list" => &["limit", "website_id", "since", "before", "email"],
        "tickets.list" => &["limit", "website_id", "since", "before"],
        "knowledge.list" => &["limit", "website_id"],
        "knowledge.addText" => &["title", "content", "website_id"],
        "knowledge.addUrl" => &["url", "website_id"],
        "knowledge.uploadSpreadsheet" => &["filename", "size", "website_id"],
        "knowledge.delete" | "webhooks.delete" => &["id"],
        "webhooks.create" => &["url", "events", "website_id"],
        _ => &[],
    }
}

fn required(op: &str) -> &'static [&'static str] {
    match op {
        "chat.send" => &["message"],
        "conversations.list" => &["session_id"],
        "knowledge.addText" => &["title", "content"],
        "knowledge.addUrl" => &["url"],
        "knowledge.delete" | "webhooks.delete" => &["id"],
        "webhooks.create" => &["url", "events"],
        _ => &[],
    }
}

fn expected_method_and_path(op: &str) -> (Method, &'static str) {
    match op {
        "chat.send" => (Method::Post, "chat/"),
        "websites.list" => (Method::Get, "websites/"),
        "conversations.list" => (Method::Get, "conversations/"),
        "sessions.list" => (Method::Get, "sessions/"),
        "leads.list" => (Method::Get, "leads/"),
        "account.get" => (Method::Get, "account/"),
        "knowledge.list" => (Method::Get, "knowledge/"),
        "knowledge.addText" => (Method::Post, "knowledge/text/"),
        "knowledge.addUrl" => (Method::Post, "knowledge/url/"),
        "knowledge.uploadSpreadsheet" => (Method::Post, "knowledge/spreadsheet/"),
        "knowledge.delete" => (Method::Delete, "knowledge/"),
        "webhooks.list" => (Method::Get, "webhooks/"),
        "webhooks.create" => (Method::Post, "webhooks/"),
        "webhooks.delete" => (Method::Delete, "webhooks/"),
        "tickets.list" => (Method::Get, "tickets/"),
        _ => unreachable!(),
    }
}

/// Dates and date-times, mostly well-formed, sometimes out of range or cut.
fn arb_timestamp_text() -> impl Strategy<Value = String> {
    let date = (0u32..10_000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let sep = prop::sample::select(vec!["T", "t", " ", "_", ""]);
    let time = (0u32..26, 0u32..62, prop::option::of(0u32..62), prop::option::of("[0-9]{0,7}"));
    let zone = prop::sample::select(vec!["", "Z", "z", "+02:00", "-05:30", "+0530", "+02", "+5", "+24:00", "-00:60", " Z", "Zjunk"]);
    prop_oneof![
        2 => date.clone(),
        6 => (date, sep, time, zone).prop_map(|(d, s, (h, m, sec, frac), z)| {
            let sec = sec.map(|x| format!(":{x:02}")).unwrap_or_default();
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{d}{s}{h:02}:{m:02}{sec}{frac}{z}")
        }),
        1 => "[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9:.+\\-Zz]{0,12})?",
        1 => arb_text(),
    ]
}

/// A value for an option: mostly plausible for its name, often hostile.
fn arb_option_value(name: &'static str) -> BoxedStrategy<Value> {
    let plausible: BoxedStrategy<Value> = match name {
        "message" | "title" => "\\PC{1,40}".prop_map(Value::from).boxed(),
        "content" => "\\PC{0,40}".prop_map(Value::from).boxed(),
        "session_id" | "id" => "[ -~]{1,30}".prop_map(Value::from).boxed(),
        "website_id" => prop_oneof![(0u64..1000).prop_map(Value::from), "[0-9]{1,18}".prop_map(Value::from)].boxed(),
        "limit" => (0u64..130).prop_map(Value::from).boxed(),
        "source" => prop::sample::select(vec!["widget", "api", "whatsapp", "instagram", "messenger", "gorgias", "freshchat", "zapier", "Widget", "sms"])
            .prop_map(Value::from)
            .boxed(),
        "url" => prop_oneof![
            4 => "(https?|HTTPS|ftp|)://(localhost|127\\.0\\.0\\.1|\\[::1\\]|[a-z]{1,8}\\.[a-z]{2,3}|)(:[0-9]{1,5})?(/[ -~]{0,12})?",
            1 => prop::sample::select(vec![
                "http://[::1", "https://[]/", "https://[/x", "http://127.+1.0.1/", "http://127.0.0.01/", "http://LOCALHOST./",
                "http://a.localhost/", "http://localhost:x/", "http://u:p@localhost/", "http://localhost@evil.com/",
                "https://@/", "https://?", "https://#", "http://127.0.0/", "http://127.1.2.3.4/",
            ])
            .prop_map(str::to_owned),
        ]
        .prop_map(Value::from)
        .boxed(),
        "events" => prop::collection::vec(
            prop_oneof![prop::sample::select(vec!["message.received", "lead.captured"]).prop_map(str::to_owned), arb_text()],
            0..4,
        )
        .prop_map(|v| Value::Array(v.into_iter().map(Value::from).collect()))
        .boxed(),
        "filename" => "[a-zA-Z0-9 ._\\-]{0,8}\\.(csv|xlsx|CSV|XLSX|txt|)".prop_map(Value::from).boxed(),
        "size" => prop_oneof![(0u64..10).prop_map(Value::from), any::<u64>().prop_map(Value::from)].boxed(),
        "since" | "before" => arb_timestamp_text().prop_map(Value::from).boxed(),
        "email" => "[a-z. ]{0,6}@?[a-z.@]{0,8}".prop_map(Value::from).boxed(),
        _ => arb_text().prop_map(Value::from).boxed(),
    };
    prop_oneof![
        6 => plausible,
        2 => arb_text().prop_map(Value::String),
        1 => arb_scalar(),
        1 => arb_json(),
    ]
    .boxed()
}

fn arb_params() -> impl Strategy<Value = (String, Value)> {
    let op = prop::sample::select(OPERATIONS.to_vec());
    op.prop_flat_map(|op| {
        let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = FIELDS
            .iter()
            .map(|&f| {
                let p = if allowed(op).contains(&f) { 0.8 } else { 0.05 };
                prop::option::weighted(p, arb_option_value(f).prop_map(move |v| (f.to_owned(), v))).boxed()
            })
            .collect();
        (Just(op.to_owned()), fields, prop::collection::vec((arb_key(), arb_scalar()), 0..2), any::<bool>())
    })
    .prop_map(|(op, fields, junk, with_junk)| {
        let mut m = serde_json::Map::new();
        for (k, v) in fields.into_iter().flatten() {
            m.insert(k, v);
        }
        if with_junk {
            for (k, v) in junk {
                m.insert(k, v);
            }
        }
        (op, Value::Object(m))
    })
}

/// Percent-decoding, written here: `%XX` -> the byte, nothing else changes.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The option as the text it should be sent as, when it is a string or a non-negative integer
/// (JavaScript's numbers: a double).
fn as_wire_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| format!("{}", f as u64)),
        _ => None,
    }
}

/// `website_id` as the digits it is sent as.
fn website_digits(v: &Value) -> Option<String> {
    as_wire_text(v).and_then(|t| t.parse::<u64>().ok()).map(|n| n.to_string())
}

fn check_built(op: &str, params: &serde_json::Map<String, Value>, req: &ApiRequest) -> Result<(), TestCaseError> {
    let (method, base) = expected_method_and_path(op);
    prop_assert_eq!(req.method, method);
    // The path: printable ASCII only (no CR, LF, NUL, space, nothing non-ASCII), never a dot segment.
    prop_assert!(req.path.bytes().all(|b| b.is_ascii_graphic()), "path {:?}", req.path);
    let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
    prop_assert!(path.starts_with(base) && path.ends_with('/'), "path {:?}", path);
    for seg in path.split('/') {
        let s = seg.to_ascii_lowercase().replace("%2e", ".");
        prop_assert!(s != "." && s != "..", "dot segment in {:?}", path);
    }
    prop_assert!(!req.path.contains('#'));
    // Ids: exactly one segment under their resource, decoding back to the id given.
    if op.ends_with(".delete") {
        let rest = &path[base.len()..];
        let seg = rest.strip_suffix('/').unwrap();
        prop_assert!(!seg.is_empty() && !seg.contains('/'), "id is not one segment: {:?}", path);
        let given = as_wire_text(&params["id"]).unwrap();
        prop_assert_eq!(percent_decode(seg), Some(given));
    } else {
        prop_assert_eq!(path, base);
    }
    // The query: only known names, each value decoding back to the option given.
    const QUERY_NAMES: [&str; 7] = ["limit", "website_id", "source", "session_id", "since", "before", "email"];
    if method != Method::Get {
        prop_assert!(query.is_empty(), "a query on a {:?}: {:?}", method, req.path);
    }
    if !query.is_empty() {
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap();
            prop_assert!(QUERY_NAMES.contains(&name), "query name {:?}", name);
            prop_assert!(allowed(op).contains(&name));
            let given = if name == "website_id" { website_digits(&params[name]) } else { as_wire_text(&params[name]) };
            prop_assert_eq!(percent_decode(value), given, "query {:?}", query);
        }
    }
    for name in QUERY_NAMES {
        let present = params.get(name).is_some_and(|v| !v.is_null());
        if method == Method::Get && allowed(op).contains(&name) {
            prop_assert_eq!(query.split('&').any(|p| p.starts_with(&format!("{name}="))), present, "{} in {:?}", name, query);
        }
    }
    // The body.
    let given_website = params.get("website_id").filter(|v| !v.is_null());
    match &req.body {
        Body::None => prop_assert!(method != Method::Post),
        Body::Multipart(fields) => {
            prop_assert_eq!(op, "knowledge.uploadSpreadsheet");
            let expected: Vec<(&str, String)> = given_website.map(|w| ("website_id", website_digits(w).unwrap())).into_iter().collect();
            prop_assert_eq!(fields, &expected);
        }
        Body::Json(text) => {
            let v: Value = serde_json::from_str(text).map_err(|e| TestCaseError::fail(format!("body {text:?}: {e}")))?;
            let o = v.as_object().unwrap();
            for (k, sent) in o {
                prop_assert!(allowed(op).contains(&k.as_str()), "{} sent for {}", k, op);
                let given = &params[k];
                match k.as_str() {
                    "website_id" if op == "chat.send" => {
                        prop_assert!(sent.is_u64(), "chat website_id must be an integer: {}", sent);
                        prop_assert_eq!(sent.as_u64().map(|n| n.to_string()), website_digits(given));
                    }
                    "website_id" => {
                        prop_assert!(sent.is_string(), "website_id must be a string: {}", sent);
                        prop_assert_eq!(sent.as_str().map(str::to_owned), website_digits(given));
                    }
                    _ => prop_assert_eq!(sent, given),
                }
            }
            for (k, v) in params {
                if !v.is_null() {
                    prop_assert!(o.contains_key(k), "{} not sent", k);
                }
            }
        }
    }
    Ok(())
}

// ---- The spec's rules, restated: what is valid, without the code under test.

const TWO_POW_53: f64 = 9_007_199_254_740_992.0;

fn r_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 2048 && !s.chars().any(char::is_control)
}

fn r_text(s: &str) -> bool {
    !s.trim().is_empty()
}

/// A whole number JavaScript holds exactly, from `lo` to `hi`.
fn r_whole(v: &Value, lo: f64, hi: f64) -> bool {
    v.as_f64().is_some_and(|f| f.fract() == 0.0 && f >= lo && f <= hi)
}

fn r_website_id(v: &Value) -> bool {
    match v {
        Value::Number(_) => r_whole(v, 0.0, TWO_POW_53),
        Value::String(s) => {
            (1..=16).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u64>().is_ok_and(|n| n as f64 <= TWO_POW_53)
        }
        _ => false,
    }
}

/// `(https, host)` of an absolute http(s) URL: a scheme, `//`, an authority whose host (after any
/// `user@`, before any `:port`) is non-empty; a bracketed host must be closed and hold something.
/// No whitespace or control character anywhere. The port is not judged.
fn r_http_url(s: &str) -> Option<(bool, String)> {
    if !r_text(s) || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let scheme_end = s.find("://")?;
    let https = match s[..scheme_end].to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return None,
    };
    let rest = &s[scheme_end + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        let close = inner.find(']')?;
        if close == 0 {
            return None;
        }
        &host_port[..close + 2]
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    (!host.is_empty()).then(|| (https, host.to_owned()))
}

/// localhost, `*.localhost`, 127.0.0.0/8 (four parts of decimal digits, each at most 255), [::1].
fn r_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let h = h.trim_end_matches('.');
    if h == "localhost" || h.ends_with(".localhost") || h == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = h.split('.').collect();
    let byte = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.trim_start_matches('0').len() <= 3 && p.parse::<u32>().is_ok_and(|n| n <= 255);
    parts.len() == 4 && parts[0] == "127" && parts.iter().all(|p| byte(p))
}

fn r_email(s: &str) -> bool {
    r_token(s)
        && !s.chars().any(char::is_whitespace)
        && s.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

/// The fields of `params` that break a rule of operation `op` (empty: the options are valid).
fn violations(op: &str, params: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut bad = Vec::new();
    let given = |k: &str| params.get(k).filter(|v| !v.is_null());
    for k in required(op) {
        if given(k).is_none() {
            bad.push((*k).to_owned());
        }
    }
    if op == "knowledge.uploadSpreadsheet" && given("size").and_then(Value::as_f64).map_or(true, |n| n == 0.0) {
        bad.push("file".into());
    }
    for (k, v) in params {
        if v.is_null() {
            continue;
        }
        if !allowed(op).contains(&k.as_str()) {
            bad.push(k.chars().filter(|c| !c.is_control()).take(64).collect());
            continue;
        }
        let s = v.as_str();
        let ok = match k.as_str() {
            "message" | "title" => s.is_some_and(r_text),
            "content" => s.is_some_and(|s| r_text(s) && s.chars().count() >= 10),
            "session_id" => s.is_some_and(r_token),
            "id" => {
                let id = s.map(str::to_owned).or_else(|| r_whole(v, 0.0, TWO_POW_53).then(|| as_wire_text(v).unwrap()));
                id.is_some_and(|id| r_token(&id) && id != "." && id != "..")
            }
            "limit" => r_whole(v, 1.0, 100.0),
            "website_id" => r_website_id(v),
            "source" => s.is_some_and(|s| ["widget", "api", "whatsapp", "instagram", "messenger", "gorgias", "freshchat", "zapier"].contains(&s)),
            "since" | "before" => s.is_some_and(|s| reference_timestamp(s).is_some()),
            "email" => s.is_some_and(r_email),
            "url" if op == "webhooks.create" => s.and_then(r_http_url).is_some_and(|(https, host)| https || r_loopback(&host)),
            "url" => s.and_then(r_http_url).is_some(),
            "filename" => s.is_some_and(|s| {
                let lower = s.to_ascii_lowercase();
                r_token(s) && (lower.ends_with(".csv") || lower.ends_with(".xlsx"))
            }),
            "size" => r_whole(v, 0.0, TWO_POW_53),
            "events" => match v.as_array() {
                None => false,
                Some(items) if items.is_empty() => false,
                Some(items) => {
                    for (i, e) in items.iter().enumerate() {
                        if !e.as_str().is_some_and(|s| r_text(s) && !s.chars().any(char::is_control)) {
                            bad.push(format!("events[{i}]"));
                        }
                    }
                    true
                }
            },
            _ => unreachable!("{k}"),
        };
        if !ok {
            bad.push(k.clone());
        }
    }
    bad
}

/// Reads `params` for `op` and checks the outcome against [`violations`]: accepted exactly when no
/// rule is broken; refused naming a field that breaks one, in a short message without line breaks.
fn check_against_rules(op: &str, params: &Value) -> Result<Option<ApiRequest>, TestCaseError> {
    let text = serde_json::to_string(params).unwrap();
    let bad = match params {
        Value::Object(o) => violations(op, o),
        Value::Null => violations(op, &serde_json::Map::new()),
        _ => vec!["params".to_owned()],
    };
    match build(op, &text) {
        Ok(req) => {
            prop_assert!(bad.is_empty(), "{} {} was accepted although {:?} break a rule", op, text, bad);
            Ok(Some(req))
        }
        Err(Error::Validation { field, message }) => {
            prop_assert!(!bad.is_empty(), "{} {} was refused ({}: {}) although no rule is broken", op, text, field, message);
            prop_assert!(bad.contains(&field), "{} {}: refused naming {:?} ({}), the rules name {:?}", op, text, field, message, bad);
            prop_assert!(!message.is_empty());
            // A message ends up in logs: no line breaks or NUL from the input may reach it.
            prop_assert!(!has_line_break_or_nul(&field) && !has_line_break_or_nul(&message), "{:?} {:?}", field, message);
            prop_assert!(message.len() < 400, "a long message: {} bytes", message.len());
            Ok(None)
        }
        Err(other) => Err(TestCaseError::fail(format!("{op} {text}: not a validation error: {other:?}"))),
    }
}

#[test]
fn fuzz_request_building() {
    let accepted = AtomicU64::new(0);
    fuzz("request building", arb_params(), |(op, params)| {
        if let Some(req) = check_against_rules(&op, &params)? {
            accepted.fetch_add(1, Ordering::Relaxed);
            check_built(&op, params.as_object().unwrap(), &req)?;
        }
        Ok(())
    });
    println!("request building: {} of the options objects were valid", accepted.load(Ordering::Relaxed));
}

/// Any JSON at all as the options object (`Loose::from_json` + `Params`): never a panic, and the
/// same verdict as the rules.
#[test]
fn fuzz_params_on_any_json() {
    let op = prop::sample::select(OPERATIONS.to_vec());
    fuzz("options from any JSON", (op, arb_json()), |(op, value)| {
        let loose = Loose::from_json(&value);
        prop_assert_eq!(Params::new(loose).is_ok(), value.is_object() || value.is_null());
        check_against_rules(op, &value)?;
        Ok(())
    });
}

#[test]
fn fuzz_request_building_on_any_text() {
    let op = prop::sample::select(OPERATIONS.to_vec());
    fuzz("request building (any text)", (op, arb_json_text()), |(op, text)| {
        match build(op, &text) {
            Ok(_) => {
                let v = reference_parse(&text);
                prop_assert!(v.as_ref().is_some_and(|v| v.is_object() || v.is_null()), "{} accepted {:?}", op, text);
            }
            Err(Error::Validation { field, message }) => {
                prop_assert!(!has_line_break_or_nul(&field) && !has_line_break_or_nul(&message), "{:?} {:?}", field, message);
                if reference_parse(&text).is_none() {
                    prop_assert_eq!(field, "params");
                }
            }
            Err(other) => prop_assert!(false, "{:?}", other),
        }
        Ok(())
    });
}

/// Valid input is accepted, and ids and query values travel intact (the other half of validation).
#[test]
fn fuzz_valid_input_is_accepted() {
    let id = "[^\\x00-\\x1f\\x7f-\\x9f]{1,40}".prop_filter("not a dot segment", |s| s != "." && s != "..");
    let session = "[^\\x00-\\x1f\\x7f-\\x9f]{1,40}";
    let day = (1970u32..2100, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60);
    fuzz(
        "valid input accepted",
        (id, session, 1u64..=100, 0u64..=9_007_199_254_740_992, any::<bool>(), prop::sample::select(OPERATIONS.to_vec()), day),
        |(id, session, limit, website, as_string, op, (y, mo, d, h, mi))| {
            let w = if as_string { Value::from(website.to_string()) } else { Value::from(website) };
            let since = format!("{y:04}-{mo:02}-{d:02}");
            let before = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00+01:00");
            let params = match op {
                "chat.send" => serde_json::json!({"message": format!("m{session}"), "session_id": session, "website_id": w}),
                "conversations.list" => serde_json::json!({"session_id": session, "limit": limit}),
                "sessions.list" => serde_json::json!({"limit": limit, "website_id": w, "source": "zapier", "since": since, "before": before}),
                "leads.list" => serde_json::json!({"limit": limit, "website_id": w, "since": since, "before": before, "email": "a+b@x.example"}),
                "tickets.list" => serde_json::json!({"limit": limit, "website_id": w, "since": since, "before": before}),
                "knowledge.list" => serde_json::json!({"limit": limit, "website_id": w}),
                "knowledge.addText" => serde_json::json!({"title": format!("t{session}"), "content": format!("{session}0123456789"), "website_id": w}),
                "knowledge.addUrl" => serde_json::json!({"url": "https://example.com/a?b=c", "website_id": w}),
                "knowledge.uploadSpreadsheet" => serde_json::json!({"filename": "x.csv", "size": limit, "website_id": w}),
                "knowledge.delete" | "webhooks.delete" => serde_json::json!({"id": id}),
                "webhooks.create" => serde_json::json!({"url": "https://h.example/x", "events": [format!("e{session}")], "website_id": w}),
                _ => serde_json::json!({}),
            };
            let text = serde_json::to_string(&params).unwrap();
            let req = build(op, &text).map_err(|e| TestCaseError::fail(format!("{op} {text}: refused: {e}")))?;
            check_built(op, params.as_object().unwrap(), &req)
        },
    );
}

// ------------------------------------------------------------------------------------------------
// 5. `parse_timestamp`, against a calendar written here.

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    [31, if is_leap(y) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][(m - 1) as usize]
}

/// Days from 1970-01-01 to y-m-d: whole years by counting leap years, then the months of the year.
fn days_since_epoch(y: i64, m: i64, d: i64) -> i64 {
    let leaps_before = |y: i64| {
        let p = y - 1;
        p.div_euclid(4) - p.div_euclid(100) + p.div_euclid(400)
    };
    let year_days = 365 * (y - 1970) + leaps_before(y) - leaps_before(1970);
    year_days + (1..m).map(|k| days_in_month(y, k)).sum::<i64>() + d - 1
}

/// The spec's ISO 8601 forms: `YYYY-MM-DD`, or that, `T` (either case, or a space), `hh:mm`, then
/// optionally `:ss` and after it `.fraction`, then nothing, `Z` (either case) or `+hh`, `+hhmm`,
/// `+hh:mm` (or `-`). Milliseconds since the epoch (UTC when no zone is given).
fn reference_timestamp(s: &str) -> Option<i64> {
    let c: Vec<char> = s.chars().collect();
    let digits = |from: usize, n: usize| -> Option<i64> {
        let part = c.get(from..from + n)?;
        part.iter().all(char::is_ascii_digit).then(|| part.iter().collect::<String>().parse().ok())?
    };
    let at = |i: usize, want: char| c.get(i) == Some(&want);
    let (y, m, d) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    if !at(4, '-') || !at(7, '-') || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let day_ms = days_since_epoch(y, m, d) * 86_400_000;
    if c.len() == 10 {
        return Some(day_ms);
    }
    if !matches!(c.get(10), Some('T' | 't' | ' ')) || !at(13, ':') {
        return None;
    }
    let (hh, mm) = (digits(11, 2)?, digits(14, 2)?);
    let mut i = 16;
    let (mut ss, mut ms) = (0, 0);
    if at(i, ':') {
        ss = digits(i + 1, 2)?;
        i += 3;
        if at(i, '.') {
            let n = c[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let first3: String = c[i + 1..i + 1 + n].iter().chain(['0', '0', '0'].iter()).take(3).collect();
            ms = first3.parse().ok()?;
            i += 1 + n;
        }
    }
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let rest: String = c[i..].iter().collect();
    let offset_min = match rest.as_str() {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.chars().next()? {
                '+' => 1,
                '-' => -1,
                _ => return None,
            };
            let body: Vec<char> = rest.chars().skip(1).collect();
            let two = |k: usize| -> Option<i64> {
                let p = body.get(k..k + 2)?;
                p.iter().all(char::is_ascii_digit).then(|| p.iter().collect::<String>().parse().ok())?
            };
            let (oh, om) = match body.len() {
                2 => (two(0)?, 0),
                4 => (two(0)?, two(2)?),
                5 if body[2] == ':' => (two(0)?, two(3)?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 60 + om)
        }
    };
    Some(day_ms + ((hh * 60 + mm - offset_min) * 60 + ss) * 1000 + ms)
}

#[test]
fn reference_timestamp_matches_the_date_command() {
    // `date -u -d 2026-01-31 +%s` = 1769817600; `date -u -d '2026-01-31T12:00:00-05:30' +%s` = 1769880600;
    // `date -u -d 1969-12-31 +%s` = -86400; `date -u -d 2000-02-29 +%s` = 951782400
    assert_eq!(reference_timestamp("2026-01-31"), Some(1_769_817_600_000));
    assert_eq!(reference_timestamp("2026-01-31T12:00:00-05:30"), Some(1_769_880_600_000));
    assert_eq!(reference_timestamp("1969-12-31"), Some(-86_400_000));
    assert_eq!(reference_timestamp("2000-02-29T00:00:00.25Z"), Some(951_782_400_250));
    assert_eq!(reference_timestamp("2026-02-29"), None);
}

#[test]
fn fuzz_parse_timestamp() {
    let valid = AtomicU64::new(0);
    fuzz("parse_timestamp", arb_timestamp_text(), |text| {
        let expected = reference_timestamp(&text);
        valid.fetch_add(u64::from(expected.is_some()), Ordering::Relaxed);
        prop_assert_eq!(api::parse_timestamp(&text), expected, "{:?}", text);
        Ok(())
    });
    println!("parse_timestamp: {} of the texts were valid", valid.load(Ordering::Relaxed));
}

// ------------------------------------------------------------------------------------------------
// 6. The retry loop: the client over a scripted transport on a virtual clock, against a model of
//    the spec's policy written here.

use scripted::{abort_flag, block_on, Reply, ScriptedTransport, Step, START_MS};

/// A `Retry-After` value, and what it says.
#[derive(Debug, Clone)]
enum RetryAfter {
    None,
    Seconds(u32),
    /// An HTTP date this many seconds after the virtual clock's start.
    Date(i64),
    Junk(&'static str),
}

/// One attempt's scripted outcome.
#[derive(Debug, Clone)]
enum Attempt {
    Reply { status: u16, retry_after: RetryAfter, body: &'static str },
    /// The answer comes after this many milliseconds.
    Slow(f64, u16),
    Network,
    Timeout,
    AbortDuringCall,
}

const LOOP_BODIES: &[&str] = &[
    r#"{"success":true}"#,
    r#"{"success":false,"error":"nope"}"#,
    "<html>proxy</html>",
    "",
    r#"{"success":tr"#,
    "[1]",
];

fn arb_attempt() -> impl Strategy<Value = Attempt> {
    let status = prop_oneof![
        4 => prop::sample::select(vec![200u16, 201, 400, 401, 404, 408, 409, 429, 500, 502, 503, 504]),
        1 => 100u16..600,
    ];
    let retry_after = prop_oneof![
        3 => Just(RetryAfter::None),
        2 => (0u32..=120).prop_map(RetryAfter::Seconds),
        1 => (-100i64..200).prop_map(RetryAfter::Date),
        1 => prop::sample::select(vec!["soon", "-1", "1e3", "", "1.", " "]).prop_map(RetryAfter::Junk),
    ];
    prop_oneof![
        6 => (status, retry_after, prop::sample::select(LOOP_BODIES.to_vec())).prop_map(|(status, retry_after, body)| Attempt::Reply { status, retry_after, body }),
        1 => (0.0f64..4_000.0, prop::sample::select(vec![200u16, 503])).prop_map(|(ms, s)| Attempt::Slow(ms, s)),
        1 => Just(Attempt::Network),
        1 => Just(Attempt::Timeout),
        1 => Just(Attempt::AbortDuringCall),
    ]
}

fn reply_of(status: u16, retry_after: &RetryAfter, body: &str) -> Reply {
    let r = Reply::json(status, body);
    match retry_after {
        RetryAfter::None => r,
        RetryAfter::Seconds(s) => r.with_header("Retry-After", &s.to_string()),
        RetryAfter::Date(d) => r.with_header("Retry-After", &imf_fixdate(START_MS as i64 / 1000 + d)),
        RetryAfter::Junk(j) => r.with_header("Retry-After", j),
    }
}

fn step_of(a: &Attempt) -> Step {
    match a {
        Attempt::Reply { status, retry_after, body } => Step::Reply(reply_of(*status, retry_after, body)),
        Attempt::Slow(ms, status) => Step::Slow(*ms, Reply::json(*status, LOOP_BODIES[0])),
        Attempt::Network => Step::Network("reset".into()),
        Attempt::Timeout => Step::Timeout,
        Attempt::AbortDuringCall => Step::AbortDuringCall,
    }
}

/// How the model says a call ends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum End {
    Ok,
    Api(u16),
    Connection,
    Timeout,
    Aborted,
}

/// The model: (attempts made, sleeps asked, how the call ends).
fn model(attempts: &[Attempt], post: bool, max_retries: u32, timeout_ms: f64, random: f64, abort_in_sleep: Option<usize>) -> (usize, Vec<f64>, End) {
    let mut clock = START_MS;
    let mut sleeps = Vec::new();
    for (n, a) in attempts.iter().enumerate() {
        // (retryable for a POST, retryable for GET/DELETE, Retry-After seconds, the end if it stops)
        let (post_ok, idempotent_ok, ra, end) = match a {
            Attempt::AbortDuringCall => return (n + 1, sleeps, End::Aborted),
            Attempt::Network => (false, true, None, End::Connection),
            Attempt::Timeout => {
                clock += timeout_ms;
                (false, true, None, End::Timeout)
            }
            Attempt::Slow(ms, _) if *ms > timeout_ms => {
                clock += timeout_ms;
                (false, true, None, End::Timeout)
            }
            Attempt::Slow(ms, status) => {
                clock += ms;
                match status {
                    200 => return (n + 1, sleeps, End::Ok),
                    _ => (true, true, None, End::Api(503)),
                }
            }
            Attempt::Reply { status, retry_after, body } => {
                let ra = match retry_after {
                    RetryAfter::Seconds(s) => Some(f64::from(*s)),
                    RetryAfter::Date(d) => Some(((START_MS + *d as f64 * 1000.0 - clock) / 1000.0).max(0.0)),
                    RetryAfter::None | RetryAfter::Junk(_) => None,
                };
                let parsed = reference_parse(body);
                let object = parsed.as_ref().and_then(Value::as_object);
                let success_false = object.is_some_and(|o| o.get("success") == Some(&Value::Bool(false)));
                if (200..300).contains(status) {
                    match (object, success_false) {
                        (Some(_), false) => return (n + 1, sleeps, End::Ok),
                        (Some(_), true) => (false, false, ra, End::Api(*status)),
                        // a 2xx that is not the JSON object the API promises: as a network error
                        (None, _) => (false, true, ra, End::Connection),
                    }
                } else {
                    let s = *status;
                    let post_ok = s == 503 || (s == 429 && ra.is_some());
                    let idempotent_ok = matches!(s, 408 | 500 | 502 | 503 | 504) || (s == 429 && ra.is_some());
                    (post_ok, idempotent_ok, ra, End::Api(s))
                }
            }
        };
        let retryable = if post { post_ok } else { idempotent_ok };
        if !retryable || n as u32 >= max_retries {
            return (n + 1, sleeps, end);
        }
        let ms = match ra {
            Some(s) if s > 60.0 => return (n + 1, sleeps, end),
            Some(s) => s * 1000.0,
            None => (500.0 * 2f64.powi(n as i32)).min(8_000.0) * (1.0 - 0.25 * random),
        };
        sleeps.push(ms);
        if abort_in_sleep == Some(sleeps.len() - 1) {
            return (n + 1, sleeps, End::Aborted);
        }
        clock += ms;
    }
    unreachable!("the script holds max_retries + 1 attempts")
}

#[test]
fn fuzz_retry_loop() {
    let call = prop::sample::select(vec!["GET", "POST", "DELETE", "UPLOAD"]);
    let setup = (0u32..5, prop::sample::select(vec![60_000.0, 1_000.0, 250.0]), 0.0f64..1.0, prop::option::of(0usize..5));
    let script = prop::collection::vec(arb_attempt(), 6);
    fuzz("retry loop", (call, setup, script), |(call, (max_retries, timeout_ms, random, abort_in_sleep), script)| {
        let attempts = &script[..=max_retries as usize];
        let transport = ScriptedTransport::new(attempts.iter().map(step_of));
        transport.set_random(random);
        if let Some(n) = abort_in_sleep {
            transport.abort_during_sleep(n);
        }
        let client = Client::builder("sk_fuzz_key").max_retries(max_retries).timeout_ms(timeout_ms).transport(transport).build().unwrap();
        let signal = abort_flag();
        let settings = client.settings(None, None, Vec::new(), Some(signal.clone()));
        let upload = UploadSpreadsheetRequest { file: b"a,b\n1,2\n".to_vec(), filename: None, website_id: None };
        let (req, part) = match call {
            "GET" => (client.prepare(&GetAccountRequest, &[], None).unwrap(), None),
            "DELETE" => (client.prepare(&DeleteKnowledgeRequest { id: "kb_1".into() }, &[], None).unwrap(), None),
            "POST" => (client.prepare(&ChatRequest { message: "hi".into(), ..Default::default() }, &[], None).unwrap(), None),
            _ => (
                client.prepare(&upload, &[], None).unwrap(),
                Some(asyntai_edge::client::FilePart { file: &upload.file, filename: upload.part_name(), content_type: upload.part_type() }),
            ),
        };
        let result = block_on(client.execute::<transport::Typed<Value>>(&req, part, &settings)).map_err(|e| e.error);
        let t = client.transport();
        let post = matches!(call, "POST" | "UPLOAD");
        let (n, sleeps, end) = model(attempts, post, max_retries, timeout_ms, random, abort_in_sleep);
        prop_assert!(t.attempts() <= max_retries as usize + 1);
        prop_assert_eq!(t.attempts(), n, "attempts");
        let got_sleeps: Vec<f64> = t.sleeps().iter().map(|s| s.ms).collect();
        prop_assert_eq!(got_sleeps.len(), sleeps.len(), "sleeps {:?}, model {:?}", got_sleeps, sleeps);
        for (g, m) in got_sleeps.iter().zip(&sleeps) {
            prop_assert!((g - m).abs() < 1e-6 && (0.0..=60_000.0).contains(g), "slept {}, the model {}", g, m);
        }
        let got_end = match &result {
            Ok(_) => End::Ok,
            Err(Error::Api(a)) => End::Api(a.status),
            Err(Error::Connection { .. }) => End::Connection,
            Err(Error::Timeout { .. }) => End::Timeout,
            Err(Error::Aborted) => End::Aborted,
            Err(other) => return Err(TestCaseError::fail(format!("{other:?}"))),
        };
        prop_assert_eq!(got_end, end, "{:?}", result);
        // A POST is sent again only after a 503 or a 429 with Retry-After.
        if post {
            for a in &attempts[..n - 1] {
                let again = match a {
                    Attempt::Reply { status, retry_after, .. } => {
                        *status == 503 || (*status == 429 && matches!(retry_after, RetryAfter::Seconds(_) | RetryAfter::Date(_)))
                    }
                    Attempt::Slow(_, status) => *status == 503,
                    _ => false,
                };
                prop_assert!(again, "a POST retried after {:?}", a);
            }
        }
        if let Err(Error::Api(a)) = &result {
            let last = &attempts[n - 1];
            if let Attempt::Reply { retry_after: RetryAfter::Seconds(s), .. } = last {
                prop_assert_eq!(a.retry_after, Some(f64::from(*s)));
            }
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------
// 7. The sandbox's request handling, over sequences of requests on one instance (feature `mock`).

#[cfg(feature = "mock")]
mod sandbox {
    use super::*;
    use asyntai_edge::mock::{Limits, Mock, MockOptions, Plan, Website};

    const KEY: &str = "test_key";
    const WRONG_KEY_MARKER: &str = "sk_WRONG_KEY_7f3a9c";

    #[derive(Debug, Clone)]
    struct MockRequest {
        method: String,
        target: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        now: f64,
    }

    fn arb_target() -> impl Strategy<Value = String> {
        let known = prop::sample::select(vec![
            "chat/", "websites/", "conversations/", "sessions/", "leads/", "account/", "knowledge/", "knowledge/text/",
            "knowledge/url/", "knowledge/spreadsheet/", "webhooks/", "knowledge/kb_1/", "webhooks/wh_1/", "chat",
            "knowledge//", "knowledge/a/b/",
        ]);
        let prefix = prop::sample::select(vec!["/api/v1/", "/", "http://127.0.0.1:8787/api/v1/", "HTTPS://x/", "/api/v1", ""]);
        let query = prop_oneof![
            Just(String::new()),
            "\\?(limit=[0-9\\-]{0,4}|website_id=[0-9a-z%]{0,5}|source=[a-z]{0,9}|session_id=[ -~]{0,12}|&|=|%|%zz|\\+)*",
        ];
        prop_oneof![
            4 => (prefix.clone(), known, query, "(#\\PC{0,4})?").prop_map(|(p, k, q, f)| format!("{p}{k}{q}{f}")),
            1 => (prefix, "[^/]{0,16}", "\\PC{0,6}").prop_map(|(p, id, tail)| format!("{p}knowledge/{id}/{tail}")),
            1 => "\\PC{0,40}",
        ]
    }

    fn arb_mock_body() -> impl Strategy<Value = (Vec<u8>, Option<String>)> {
        let json_body = prop::collection::vec(
            prop::sample::select(FIELDS.to_vec()).prop_flat_map(|f| arb_option_value(f).prop_map(move |v| (f.to_owned(), v))),
            0..5,
        )
        .prop_map(|kv| (serde_json::to_vec(&Value::Object(kv.into_iter().collect())).unwrap(), Some("application/json".to_owned())));
        let csv = prop::collection::vec(prop::collection::vec("[^\\r\\n]{0,12}|\"[^\"]{0,8}\"\"?[ -~]{0,4}", 0..4), 0..6)
            .prop_map(|rows| rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\r\n"));
        let multipart = (
            "[a-zA-Z0-9'()+_,\\-./:=?]{1,30}",
            csv,
            prop::option::of("[ -~]{0,10}(\\.csv|\\.xlsx)?"),
            prop::option::of("[0-9a-z ]{0,4}"),
            any::<bool>(),
            prop::option::of(any::<Index>()),
        )
            .prop_map(|(boundary, csv, filename, website, crlf, cut)| {
                let nl = if crlf { "\r\n" } else { "\n" };
                let mut b = String::new();
                if let Some(w) = website {
                    b.push_str(&format!("--{boundary}{nl}Content-Disposition: form-data; name=\"website_id\"{nl}{nl}{w}{nl}"));
                }
                let fname = filename.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
                b.push_str(&format!("--{boundary}{nl}Content-Disposition: form-data; name=\"file\"{fname}{nl}Content-Type: text/csv{nl}{nl}{csv}{nl}--{boundary}--{nl}"));
                let mut bytes = b.into_bytes();
                if let Some(i) = cut {
                    bytes.truncate(i.index(bytes.len() + 1));
                }
                (bytes, Some(format!("multipart/form-data; boundary={boundary}")))
            });
        prop_oneof![
            4 => json_body,
            2 => multipart,
            1 => prop::collection::vec(any::<u8>(), 0..100).prop_map(|b| (b, None)),
            1 => arb_json_text().prop_map(|t| (t.into_bytes(), Some("application/json".to_owned()))),
            1 => ("\\PC{0,12}", "\\PC{0,30}").prop_map(|(ct, b)| (b.into_bytes(), Some(ct))),
        ]
    }

    fn arb_mock_request() -> impl Strategy<Value = MockRequest> {
        let method = prop_oneof![
            8 => prop::sample::select(vec!["GET", "POST", "DELETE"]).prop_map(str::to_owned),
            1 => prop::sample::select(vec!["PUT", "get", "HEAD", "OPTIONS", ""]).prop_map(str::to_owned),
            1 => "\\PC{0,8}",
        ];
        let auth = prop_oneof![
            8 => Just(vec![("authorization".to_owned(), format!("Bearer {KEY}"))]),
            2 => Just(vec![("x-api-key".to_owned(), KEY.to_owned())]),
            1 => Just(vec![("authorization".to_owned(), format!("Bearer {WRONG_KEY_MARKER}"))]),
            1 => Just(vec![("x-api-key".to_owned(), format!("{KEY}{WRONG_KEY_MARKER}"))]),
            1 => ("[a-z\\-]{0,16}", "\\PC{0,30}").prop_map(|(k, v)| vec![(k, v)]),
            1 => Just(vec![]),
        ];
        let now = prop_oneof![8 => 1.6e12f64..1.9e12, 1 => any::<f64>(), 1 => Just(f64::NAN)];
        (method, arb_target(), auth, arb_mock_body(), now).prop_map(|(method, target, mut headers, (body, ct), now)| {
            if let Some(ct) = ct {
                headers.push(("content-type".to_owned(), ct));
            }
            MockRequest { method, target, headers, body, now }
        })
    }

    fn arb_mock_options() -> impl Strategy<Value = MockOptions> {
        let plan = prop::sample::select(vec![Plan::Starter, Plan::Standard, Plan::Pro, Plan::Free, Plan::Starter]);
        let limits = prop::option::of((0u64..5, 0u64..200, 0u64..5).prop_map(|(m, u, r)| Limits {
            messages_per_month: m,
            upload_chars_per_day: u,
            spreadsheet_rows: r,
        }));
        let websites = prop::collection::vec((0u64..5, any::<bool>()), 0..4).prop_map(|ws| {
            ws.into_iter()
                .map(|(id, p)| Website { id, name: format!("w{id}"), domain: format!("w{id}.example"), is_primary: p })
                .collect::<Vec<_>>()
        });
        (plan, limits, websites).prop_map(|(plan, limits, websites)| MockOptions { api_key: KEY.into(), plan, websites, limits })
    }

    #[test]
    fn fuzz_mock_handle() {
        let sequence = prop::collection::vec(arb_mock_request(), 1..12);
        fuzz("sandbox handle", (arb_mock_options(), sequence), |(opts, requests)| {
            let free = opts.plan == Plan::Free;
            let mut mock = Mock::new(opts);
            let mut secrets: Vec<String> = Vec::new();
            for r in &requests {
                let res = mock.handle(&r.method, &r.target, &r.headers, &r.body, r.now);
                prop_assert!((200..600).contains(&res.status), "status {}", res.status);
                let v: Value = serde_json::from_str(&res.body).map_err(|e| TestCaseError::fail(format!("body {:?}: {e}", res.body)))?;
                let o = v.as_object().ok_or_else(|| TestCaseError::fail("body not an object"))?;
                let success = o.get("success").and_then(Value::as_bool);
                prop_assert_eq!(success, Some((200..300).contains(&res.status)), "{:?} -> {}", r, res.body);
                if res.status >= 300 {
                    prop_assert!(o.get("error").and_then(Value::as_str).is_some_and(|e| !e.is_empty()), "{}", res.body);
                    prop_assert!(res.deliveries.is_empty());
                }
                prop_assert!(!res.body.contains(WRONG_KEY_MARKER), "a key echoed: {}", res.body);
                if let Some(s) = o.get("webhook").and_then(|w| w.get("secret")).and_then(Value::as_str) {
                    secrets.push(s.to_owned());
                }
                for d in &res.deliveries {
                    let parsed: Value = serde_json::from_str(&d.body).map_err(|e| TestCaseError::fail(format!("delivery {e}")))?;
                    prop_assert_eq!(parsed.get("event").and_then(Value::as_str), Some(d.event.as_str()));
                    let ok = secrets.iter().any(|s| hex(&reference_hmac(s.as_bytes(), d.body.as_bytes())) == d.signature);
                    prop_assert!(ok, "a delivery signed with no known secret");
                }
            }
            // The instance still answers a normal call.
            let hdr = vec![("authorization".to_owned(), format!("Bearer {KEY}"))];
            let res = mock.handle("GET", "/api/v1/websites/", &hdr, b"", 1.7e12);
            prop_assert_eq!(res.status, if free { 403 } else { 200 }, "{}", res.body);
            Ok(())
        });
    }
}

// ------------------------------------------------------------------------------------------------
// The fixed hostile cases, beyond the random ones.

#[test]
fn cr_lf_nul_in_every_url_value_is_refused() {
    let mut checked = 0;
    for bad in ["a\rb", "a\nb", "a\0b", "\r\n", "x\u{7f}", "x\u{85}"] {
        let cases = [
            ("chat.send", serde_json::json!({"message": "hi", "session_id": bad})),
            ("conversations.list", serde_json::json!({"session_id": bad})),
            ("sessions.list", serde_json::json!({"source": bad})),
            ("sessions.list", serde_json::json!({"website_id": bad})),
            ("sessions.list", serde_json::json!({"since": format!("2026-01-01{bad}")})),
            ("leads.list", serde_json::json!({"website_id": bad})),
            ("leads.list", serde_json::json!({"email": format!("a@b{bad}")})),
            ("leads.list", serde_json::json!({"before": format!("2026-01-01T00:00{bad}")})),
            ("tickets.list", serde_json::json!({"since": bad})),
            ("knowledge.list", serde_json::json!({"website_id": bad})),
            ("knowledge.addUrl", serde_json::json!({"url": format!("https://x.example/{bad}")})),
            ("knowledge.uploadSpreadsheet", serde_json::json!({"filename": format!("{bad}.csv"), "size": 1})),
            ("knowledge.delete", serde_json::json!({"id": bad})),
            ("webhooks.delete", serde_json::json!({"id": bad})),
            ("webhooks.create", serde_json::json!({"url": format!("https://x.example/{bad}"), "events": ["message.received"]})),
            ("webhooks.create", serde_json::json!({"url": "https://x.example/", "events": [bad]})),
        ];
        for (op, params) in cases {
            let r = build(op, &params.to_string());
            assert!(matches!(r, Err(Error::Validation { .. })), "{op} {params}: {r:?}");
            checked += 1;
        }
    }
    println!("hostile: {checked} CR/LF/NUL cases refused");
}

#[test]
fn very_long_inputs_get_a_clear_error_quickly() {
    let long = "a".repeat(5_000_000);
    let t = std::time::Instant::now();
    for (op, field) in [("conversations.list", "session_id"), ("knowledge.delete", "id"), ("chat.send", "session_id")] {
        let mut params = serde_json::json!({"message": "hi"});
        if op != "chat.send" {
            params = serde_json::json!({});
        }
        params[field] = Value::from(long.clone());
        match build(op, &params.to_string()) {
            Err(Error::Validation { field: f, message }) => {
                assert_eq!(f, field);
                assert!(message.contains("longer than"), "{message}");
                assert!(message.len() < 200);
            }
            other => panic!("{op}: {other:?}"),
        }
    }
    // A long unknown option's name is cut in the error.
    match build("chat.send", &format!(r#"{{"message":"hi","{long}":1}}"#)) {
        Err(Error::Validation { field, message }) => assert!(field.len() <= 64 && message.len() < 200),
        other => panic!("{other:?}"),
    }
    // Deep nesting in options and in answers: refused, no stack overflow.
    let deep = format!("{{\"message\":{}1{}}}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    assert!(matches!(build("chat.send", &deep), Err(Error::Validation { .. })));
    let deep_answer = format!("{{\"error\":{}", "{\"a\":".repeat(500_000));
    let view = BodyView::of_json(reference_parse(&deep_answer).as_ref());
    assert!(matches!(api::classify(500, &view, &deep_answer), Err(Error::Api(_))));
    let elapsed = t.elapsed();
    assert!(elapsed.as_secs_f64() < 10.0, "{elapsed:?}");
    println!("long inputs: refused in {:?}", elapsed);
}

/// A `Retry-After` date in a far year must not overflow (a panic natively; in the release wasm it
/// wraps and a date ~292 million years ahead reads as 0 s, i.e. retry at once).
#[test]
fn retry_after_in_a_far_year_is_not_an_overflow() {
    let now = 1.7e12;
    for v in [
        "Sun, 01 Nov 292278994 08:49:37 GMT",
        "Fri, 31 Dec 9999999999999 23:59:59 GMT",
        "Thu, 01 Jan -9223372036854775808 00:00:00 GMT",
        "Thu, 01 Jan 9223372036854775807 00:00:00 GMT",
    ] {
        let got = std::panic::catch_unwind(|| retry::parse_retry_after(v, now));
        match got {
            Ok(None) => {}
            Ok(Some(s)) => assert!(s > 60.0 || v.contains('-'), "{v:?} -> {s} s: a far-future date must not read as a short wait"),
            Err(_) => panic!("{v:?}: parse_retry_after panicked (arithmetic overflow in parse_http_date)"),
        }
    }
}


/// URLs at the edges of the rules, against the oracle.
#[test]
fn edge_urls_follow_the_rules() {
    let urls = [
        "http://[::1", "https://[]/", "https://[/x", "https://[::1]:8080/", "http://127.+1.0.1/", "http://127.0.0.01/",
        "http://127.0.0.256/", "http://LOCALHOST./", "http://a.localhost/", "http://localhost:x/", "http://u:p@localhost/",
        "http://localhost@evil.com/", "https://@/", "https://?", "https://#", "http://127.0.0/", "http://127.1.2.3.4/",
        "HtTp://localhost", "https://h:99999/", "http://127.0.0.1:80@evil.com/",
    ];
    for url in urls {
        for op in ["webhooks.create", "knowledge.addUrl"] {
            let params = serde_json::json!({"url": url, "events": ["message.received"]});
            let mut params = params.as_object().unwrap().clone();
            if op == "knowledge.addUrl" {
                params.remove("events");
            }
            let expected = violations(op, &params).is_empty();
            assert_eq!(build(op, &Value::Object(params).to_string()).is_ok(), expected, "{op} {url}");
        }
    }
}
