//! The value rules every resource shares (the request types' `validate` methods are made of these).

use crate::error::Error;
use crate::text::int;

/// Longest value accepted where it becomes part of a URL or a header (ids, `session_id`, `website_id`).
pub const MAX_TOKEN_LEN: usize = 2048;

/// The eight values `source` may take.
pub const SOURCES: &[&str] =
    &["widget", "api", "whatsapp", "instagram", "messenger", "gorgias", "freshchat", "zapier"];

/// Whether `s` holds a control character (C0, DEL or C1).
pub(crate) fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A required text (a message, a title): not blank; any text, newlines included.
pub(crate) fn text(field: &str, s: &str) -> Result<(), Error> {
    if s.trim().is_empty() {
        return Err(Error::validation(field, cat!("`", field, "` must not be empty")));
    }
    Ok(())
}

/// A value that becomes part of a URL, a query or a header: non-empty, at most [`MAX_TOKEN_LEN`]
/// bytes, no control characters (CR, LF, NUL...).
pub(crate) fn token(field: &str, s: &str) -> Result<(), Error> {
    if s.is_empty() {
        Err(Error::validation(field, cat!("`", field, "` must not be empty")))
    } else if s.len() > MAX_TOKEN_LEN {
        Err(Error::validation(field, cat!("`", field, "` is longer than ", int(MAX_TOKEN_LEN as u64), " bytes")))
    } else if has_control(s) {
        Err(Error::validation(field, cat!("`", field, "` must not contain control characters (CR, LF, NUL...)")))
    } else {
        Ok(())
    }
}

/// An optional token.
pub(crate) fn opt_token(field: &str, s: Option<&str>) -> Result<(), Error> {
    s.map_or(Ok(()), |s| token(field, s))
}

/// An id: a token that is one path segment (`.` and `..` would be resolved by URL parsers even encoded).
pub(crate) fn id(field: &str, s: &str) -> Result<(), Error> {
    token(field, s)?;
    if s == "." || s == ".." {
        return Err(Error::validation(field, cat!("`", field, "` must not be `.` or `..`")));
    }
    Ok(())
}

/// `limit`: 1..=100 when given.
pub(crate) fn limit(l: Option<u32>) -> Result<(), Error> {
    match l {
        Some(l) if !(1..=100).contains(&l) => {
            Err(Error::validation("limit", cat!("`limit` must be an integer from 1 to 100, got ", int(l.into()))))
        }
        _ => Ok(()),
    }
}

/// `website_id`: the API's ids fit in JavaScript's exact integers.
pub(crate) fn website_id(w: Option<crate::api::WebsiteId>) -> Result<(), Error> {
    match w {
        Some(w) if w.0 > 1 << 53 => Err(crate::api::WebsiteId::error()),
        _ => Ok(()),
    }
}

/// `source`: one of [`SOURCES`] when given.
pub(crate) fn source(s: Option<&str>) -> Result<(), Error> {
    match s {
        Some(s) if !SOURCES.contains(&s) => {
            Err(Error::validation("source", cat!("`source` must be one of ", crate::text::join(SOURCES, ", "))))
        }
        _ => Ok(()),
    }
}

/// An absolute http(s) URL.
pub(crate) fn http_url(field: &str, url: &str) -> Result<(), Error> {
    text(field, url)?;
    if parse_http_url(url).is_none() {
        return Err(Error::validation(field, cat!("`", field, "` must be an absolute http:// or https:// URL")));
    }
    Ok(())
}

/// An HTTPS URL, or an http URL to a loopback host (for local work).
pub(crate) fn webhook_url(field: &str, url: &str) -> Result<(), Error> {
    text(field, url)?;
    match parse_http_url(url) {
        Some((true, _)) => Ok(()),
        Some((false, host)) if is_loopback(host) => Ok(()),
        _ => Err(Error::validation(field, cat!("`", field, "` must be an https:// URL (http:// only for localhost)"))),
    }
}

/// A non-empty list of non-blank strings without control characters.
pub(crate) fn string_list(field: &str, items: &[String]) -> Result<(), Error> {
    if items.is_empty() {
        return Err(Error::validation(field, cat!("`", field, "` must not be empty")));
    }
    for (i, s) in items.iter().enumerate() {
        if s.trim().is_empty() || has_control(s) {
            return Err(Error::validation(
                cat!(field, "[", int(i as u64), "]"),
                cat!("`", field, "[", int(i as u64), "]` must be a non-empty string without control characters"),
            ));
        }
    }
    Ok(())
}

/// `since` / `before`: an ISO 8601 date or date-time, when given.
pub(crate) fn timestamp(field: &str, s: Option<&str>) -> Result<(), Error> {
    match s {
        Some(s) if parse_timestamp(s).is_none() => Err(Error::validation(
            field,
            cat!("`", field, "` must be a Date or an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z"),
        )),
        _ => Ok(()),
    }
}

/// `email`: an address (something@something, no spaces or control characters), when given.
pub(crate) fn email(s: Option<&str>) -> Result<(), Error> {
    let Some(s) = s else { return Ok(()) };
    token("email", s)?;
    match s.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !s.contains(char::is_whitespace) => Ok(()),
        _ => Err(Error::validation("email", "`email` must be an email address")),
    }
}

/// Milliseconds since the Unix epoch of an ISO 8601 date (`2026-01-31`, midnight UTC) or date-time
/// (`2026-01-31T12:00`, `...:00`, `...:00.123`, with `Z` or a `+hh:mm`/`-hh:mm` offset; none = UTC).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !(1..=12).contains(&month) || !(1..=month_days).contains(&day) {
        return None;
    }
    let days = crate::retry::days_from_civil(year, month as u32, day as u32);
    if b.len() == 10 {
        return Some(days * 86_400_000);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
        return None;
    }
    let (hour, minute) = (num(11, 2)?, num(14, 2)?);
    let mut at = 16;
    let mut second = 0;
    let mut millis = 0;
    if b.get(at) == Some(&b':') {
        second = num(at + 1, 2)?;
        at += 3;
        if b.get(at) == Some(&b'.') {
            let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            let frac = num(at + 1, digits.min(3))?;
            millis = frac * [100, 10, 1][digits.min(3) - 1];
            at += 1 + digits;
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_min = match b.get(at..) {
        Some([]) | Some([b'Z' | b'z']) => 0,
        Some([sign @ (b'+' | b'-'), rest @ ..]) => {
            let (h, m) = match rest {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (
                    num_of(*h1, *h2)?,
                    num_of(*m1, *m2)?,
                ),
                [h1, h2] => (num_of(*h1, *h2)?, 0),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let m = h * 60 + m;
            if *sign == b'+' { m } else { -m }
        }
        _ => return None,
    };
    Some(((days * 24 + hour) * 60 + minute - offset_min) * 60_000 + second * 1000 + millis)
}

fn num_of(a: u8, b: u8) -> Option<i64> {
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
}

/// `Some((is_https, host))` for an absolute http(s) URL with a host, no whitespace and no control
/// characters; `None` otherwise.
pub fn parse_http_url(url: &str) -> Option<(bool, &str)> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower_starts = |p: &str| url.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    let (https, rest) = if lower_starts("https://") {
        (true, url.get(8..)?)
    } else if lower_starts("http://") {
        (false, url.get(7..)?)
    } else {
        return None;
    };
    // Searched byte by byte (each delimiter is ASCII, so every cut is on a char boundary): no
    // `str` pattern searchers in the wasm for these.
    let upto = |s: &'_ str, stop: fn(u8) -> bool| s.bytes().position(stop).unwrap_or(s.len());
    let authority = rest.get(..upto(rest, |b| matches!(b, b'/' | b'?' | b'#')))?;
    let hostport = match authority.bytes().rposition(|b| b == b'@') {
        Some(at) => authority.get(at + 1..)?,
        None => authority,
    };
    let host = if let Some(inner) = hostport.strip_prefix('[') {
        // an IP literal: closed, and not empty
        match upto(inner, |b| b == b']') {
            end if end > 0 && end < inner.len() => hostport.get(..end + 2)?,
            _ => return None,
        }
    } else {
        hostport.get(..upto(hostport, |b| b == b':'))?
    };
    if host.is_empty() {
        return None;
    }
    Some((https, host))
}

/// localhost (and `*.localhost`, RFC 6761), 127.0.0.0/8 and `[::1]`.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h == "[::1]"
        || (h.starts_with("127.")
            && h.split('.').count() == 4
            && h.split('.').all(|p| crate::text::digits(p).is_some_and(|n| n <= 255)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_as_the_date_command_reads_them() {
        // `date -u -d 2026-01-31 +%s` = 1769817600
        assert_eq!(parse_timestamp("2026-01-31"), Some(1_769_817_600_000));
        assert_eq!(parse_timestamp("2026-01-31T00:00:00Z"), Some(1_769_817_600_000));
        // `date -u -d '2026-01-31T12:34:56+02:00' +%s` = 1769855696
        assert_eq!(parse_timestamp("2026-01-31T12:34:56+02:00"), Some(1_769_855_696_000));
        assert_eq!(parse_timestamp("2026-01-31T12:34:56.789Z"), Some(1_769_862_896_789));
        assert_eq!(parse_timestamp("2026-01-31T12:34Z"), Some(1_769_862_840_000));
        assert_eq!(parse_timestamp("2026-01-31T12:34:56-0130"), Some(1_769_868_296_000));
        for bad in ["", "2026", "2026-13-01", "2026-1-01", "31/01/2026", "2026-01-31T25:00:00Z", "2026-01-31T12:00:00+5", "2026-01-31Tnoon", "2026-01-31T12:00:00.Z", "yesterday"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
