//! The retry policy as a pure function: (attempt, method, outcome, Retry-After, randomness) -> decision.

use crate::api::Method;

/// Backoff before the first retry, in milliseconds; it doubles each retry.
pub const INITIAL_DELAY_MS: f64 = 500.0;
/// Longest backoff, in milliseconds.
pub const MAX_DELAY_MS: f64 = 8_000.0;
/// Longest `Retry-After` waited for, in seconds; a longer one raises the error at once.
pub const MAX_RETRY_AFTER_S: f64 = 60.0;

/// How one attempt ended, when it did not succeed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// The server answered with this status (an error status, or a bad 2xx body).
    Status(u16),
    /// DNS, refused, reset, dropped: no answer.
    Network,
    /// The attempt ran past its timeout.
    Timeout,
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Wait this many milliseconds, then try again.
    Retry(f64),
    /// Raise the error now.
    Stop,
}

/// Whether this outcome may be retried for this method at all, given whether a `Retry-After` came.
fn retryable(method: Method, outcome: Outcome, has_retry_after: bool) -> bool {
    match (method, outcome) {
        // A POST may have been processed (a chat message is billed): only what the server says it
        // did not process is sent again.
        (Method::Post, Outcome::Status(503)) => true,
        (_, Outcome::Status(429)) => has_retry_after,
        (Method::Post, _) => false,
        (_, Outcome::Network | Outcome::Timeout) => true,
        (_, Outcome::Status(s)) => matches!(s, 408 | 500 | 502 | 503 | 504),
    }
}

/// Decides after a failed attempt. `retries_done` counts the retries already made (0 after the
/// first attempt); `retry_after` is the answer's `Retry-After` in seconds (see [`parse_retry_after`]);
/// `random` is in [0, 1) and sets the jitter.
pub fn decide(
    retries_done: u32,
    max_retries: u32,
    method: Method,
    outcome: Outcome,
    retry_after: Option<f64>,
    random: f64,
) -> Decision {
    if retries_done >= max_retries || !retryable(method, outcome, retry_after.is_some()) {
        return Decision::Stop;
    }
    if let Some(s) = retry_after {
        return if s <= MAX_RETRY_AFTER_S { Decision::Retry(s * 1000.0) } else { Decision::Stop };
    }
    let base = (INITIAL_DELAY_MS * f64::from(1u32 << retries_done.min(16))).min(MAX_DELAY_MS);
    let jitter = 1.0 - 0.25 * random.clamp(0.0, 1.0);
    Decision::Retry(base * jitter)
}

/// Parses `Retry-After`: delay-seconds, or an HTTP date (IMF-fixdate, e.g. `Wed, 21 Oct 2015 07:28:00
/// GMT`) compared with `now_ms` (milliseconds since the Unix epoch). A date in the past is 0 seconds.
/// Anything else is `None`.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if v.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return parse_seconds(v);
    }
    let date_ms = parse_http_date(v)?;
    Some(((date_ms - now_ms) / 1000.0).max(0.0))
}

/// `120` or `1.5` (no sign, no exponent), without float parsing machinery.
fn parse_seconds(v: &str) -> Option<f64> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    // `digits` refuses an empty part and anything but ASCII digits; a fraction, if there is a dot, has some
    if int.len() > 9 || frac.len() > 6 || v.ends_with('.') {
        return None;
    }
    let whole = crate::text::digits(int)?;
    let part = if frac.is_empty() { 0 } else { crate::text::digits(frac)? };
    // integer powers (exact, as powi's are at these sizes): no float power routine in the wasm
    Some(whole as f64 + part as f64 / f64::from(10u32.pow(frac.len() as u32)))
}

/// IMF-fixdate to milliseconds since the Unix epoch.
fn parse_http_date(v: &str) -> Option<f64> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let rest = v.split_once(',').map_or(v, |(_, r)| r);
    let mut parts = rest.split_ascii_whitespace();
    // each number is digits only (no sign)
    let num = |p: Option<&str>| p.and_then(crate::text::digits);
    let day = num(parts.next())?;
    let month = match parts.next()?.to_ascii_lowercase().as_str() {
        "jan" => 1, "feb" => 2, "mar" => 3, "apr" => 4, "may" => 5, "jun" => 6,
        "jul" => 7, "aug" => 8, "sep" => 9, "oct" => 10, "nov" => 11, "dec" => 12,
        _ => return None,
    };
    let year = num(parts.next())?;
    let mut hms = parts.next()?.split(':');
    let (h, m, s) = (num(hms.next())?, num(hms.next())?, num(hms.next())?);
    if !matches!(parts.next(), Some("GMT" | "UTC")) || !(1..=31).contains(&day) || !(1..=9999).contains(&year) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // all in range: the casts are exact
    let days = days_from_civil(year as i64, month, day as u32);
    Some(((days * 86_400 + (h * 3600 + m * 60 + s) as i64) * 1000) as f64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_retries_transient_statuses_and_network() {
        for s in [408, 500, 502, 503, 504] {
            assert!(matches!(decide(0, 2, Method::Get, Outcome::Status(s), None, 0.0), Decision::Retry(_)), "{s}");
            assert!(matches!(decide(0, 2, Method::Delete, Outcome::Status(s), None, 0.0), Decision::Retry(_)));
        }
        for s in [400, 401, 403, 404, 409, 422, 501] {
            assert_eq!(decide(0, 2, Method::Get, Outcome::Status(s), None, 0.0), Decision::Stop, "{s}");
        }
        assert_eq!(decide(0, 2, Method::Get, Outcome::Network, None, 0.0), Decision::Retry(500.0));
        assert_eq!(decide(0, 2, Method::Get, Outcome::Timeout, None, 0.0), Decision::Retry(500.0));
    }

    #[test]
    fn post_is_retried_only_when_the_server_did_not_process_it() {
        assert!(matches!(decide(0, 2, Method::Post, Outcome::Status(503), None, 0.0), Decision::Retry(_)));
        assert_eq!(decide(0, 2, Method::Post, Outcome::Status(429), Some(1.0), 0.0), Decision::Retry(1000.0));
        for o in [Outcome::Network, Outcome::Timeout, Outcome::Status(500), Outcome::Status(502), Outcome::Status(504), Outcome::Status(408)] {
            assert_eq!(decide(0, 2, Method::Post, o, None, 0.0), Decision::Stop, "{o:?}");
        }
    }

    #[test]
    fn quota_429_without_retry_after_is_never_retried() {
        for m in [Method::Get, Method::Post, Method::Delete] {
            assert_eq!(decide(0, 5, m, Outcome::Status(429), None, 0.0), Decision::Stop);
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        assert_eq!(decide(0, 2, Method::Get, Outcome::Status(503), Some(60.0), 0.9), Decision::Retry(60_000.0));
        assert_eq!(decide(0, 2, Method::Get, Outcome::Status(503), Some(61.0), 0.0), Decision::Stop);
        assert_eq!(decide(0, 2, Method::Get, Outcome::Status(503), Some(0.0), 0.0), Decision::Retry(0.0));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        assert_eq!(decide(0, 9, Method::Get, Outcome::Status(500), None, 0.0), Decision::Retry(500.0));
        assert_eq!(decide(1, 9, Method::Get, Outcome::Status(500), None, 0.0), Decision::Retry(1000.0));
        assert_eq!(decide(2, 9, Method::Get, Outcome::Status(500), None, 0.0), Decision::Retry(2000.0));
        assert_eq!(decide(5, 9, Method::Get, Outcome::Status(500), None, 0.0), Decision::Retry(8000.0));
        assert_eq!(decide(8, 9, Method::Get, Outcome::Status(500), None, 0.0), Decision::Retry(8000.0));
        // jitter takes off up to a quarter
        assert_eq!(decide(0, 9, Method::Get, Outcome::Status(500), None, 1.0), Decision::Retry(375.0));
    }

    #[test]
    fn max_retries_bounds_the_attempts() {
        assert_eq!(decide(2, 2, Method::Get, Outcome::Status(500), None, 0.0), Decision::Stop);
        assert_eq!(decide(0, 0, Method::Get, Outcome::Network, None, 0.0), Decision::Stop);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3", 0.0), Some(3.0));
        assert_eq!(parse_retry_after(" 120 ", 0.0), Some(120.0));
        assert_eq!(parse_retry_after("1.5", 0.0), Some(1.5));
        // 784111777 = `date -u -d 'Sun, 06 Nov 1994 08:49:37 GMT' +%s`
        let now = 784_111_777_000.0 - 10_000.0;
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(10.0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 20_000.0), Some(0.0));
        for bad in ["", "soon", "-1", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT", "1e3", "Sun, 06 Nov 99999999999999999 08:49:37 GMT",
            // IMF-fixdate's numbers are digits only: no sign (`str::parse` would take `+`)
            "Sun, +6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov +1994 08:49:37 GMT", "Sun, 06 Nov 1994 +8:49:37 GMT", "+5"] {
            assert_eq!(parse_retry_after(bad, 0.0), None, "{bad}");
        }
    }

    #[test]
    fn civil_days_match_date_command() {
        // `date -u -d 2026-11-23 +%s` / 86400 = 20780
        assert_eq!(days_from_civil(2026, 11, 23), 20_780);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // `date -u -d 2000-02-29 +%s` / 86400 = 11016
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
    }
}
