//! The sandbox's clock arithmetic: the current time is passed in as milliseconds since the Unix
//! epoch (there is no `SystemTime` in wasm), and turned into ISO 8601 timestamps and the day and
//! month buckets that the plan's quotas reset on. Hand-written civil-date conversion, UTC only.

const MS_PER_DAY: i64 = 86_400_000;

/// Whole milliseconds since the epoch; NaN, infinities and negative values (before 1970) become 0,
/// and values past year 9999 are clamped, so every input yields a well-formed timestamp.
pub(crate) fn clamp_ms(now_ms: f64) -> i64 {
    // 253402300799999 ms = 9999-12-31T23:59:59.999Z
    const MAX_MS: f64 = 253_402_300_799_999.0;
    if now_ms.is_nan() || now_ms <= 0.0 {
        0
    } else if now_ms >= MAX_MS {
        MAX_MS as i64
    } else {
        now_ms.floor() as i64
    }
}

/// Days since 1970-01-01 -> (year, month 1..=12, day 1..=31). Howard Hinnant's `civil_from_days`.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The UTC day number (days since the epoch): the daily upload cap resets when it changes.
pub(crate) fn day_bucket(ms: i64) -> i64 {
    ms.div_euclid(MS_PER_DAY)
}

/// The UTC calendar month as `year * 12 + (month - 1)`: the monthly message quota resets when it changes.
pub(crate) fn month_bucket(ms: i64) -> i64 {
    let (y, m, _) = civil_from_days(day_bucket(ms));
    y * 12 + i64::from(m) - 1
}

/// `2024-01-15T10:30:00Z`: second precision, UTC, as the API's examples spell it.
pub(crate) fn iso8601(ms: i64) -> String {
    format_utc(ms, false)
}

/// `2024-01-15T10:30:00.123Z`: millisecond precision, for the times lists are ordered and paged by
/// (sessions' and leads' `started_at`, tickets' `created_at`), so that a `before` cursor taken from
/// a page's oldest item neither repeats nor skips an item made in the same second.
pub(crate) fn iso8601_ms(ms: i64) -> String {
    format_utc(ms, true)
}

fn format_utc(ms: i64, millis: bool) -> String {
    let days = day_bucket(ms);
    let ms_of_day = ms - days * MS_PER_DAY;
    let secs_of_day = ms_of_day / 1_000;
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s) = (secs_of_day / 3_600, (secs_of_day / 60) % 60, secs_of_day % 60);
    let mut out = String::with_capacity(24);
    push_padded(&mut out, y, 4);
    out.push('-');
    push_padded(&mut out, i64::from(mo), 2);
    out.push('-');
    push_padded(&mut out, i64::from(d), 2);
    out.push('T');
    push_padded(&mut out, h, 2);
    out.push(':');
    push_padded(&mut out, mi, 2);
    out.push(':');
    push_padded(&mut out, s, 2);
    if millis {
        out.push('.');
        push_padded(&mut out, ms_of_day % 1_000, 3);
    }
    out.push('Z');
    out
}

/// (year, month 1..=12, day 1..=31) -> days since 1970-01-01. Howard Hinnant's `days_from_civil`.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Reads `n` ASCII digits at `*i`, advancing it.
fn digits(b: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    let field = b.get(*i..*i + n)?;
    if !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += n;
    Some(field.iter().fold(0, |acc, &d| acc * 10 + i64::from(d - b'0')))
}

/// An ISO 8601 date or date-time, as the `since` and `before` query parameters take it, in
/// milliseconds since the epoch:
/// - a date alone, `2024-01-15`: midnight UTC;
/// - a date-time, `T` (or `t`, or a space) between: `2024-01-15T10:30`, `...T10:30:00`,
///   `...T10:30:00.123` (any number of fraction digits, `.` or `,`);
/// - then `Z`, an offset (`+02:00`, `-0500`, `+02`) or nothing (UTC). A space where the offset's
///   `+` belongs is read as `+`: an unencoded `+` in a query string arrives as a space.
///
/// A fraction finer than a millisecond rounds up: times are kept in whole milliseconds, so `t >=
/// since` and `t < before` then compare exactly as they would on the full value.
pub(crate) fn parse_instant(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let mut i = 0;
    let expect = |i: &mut usize, c: u8| -> Option<()> {
        (b.get(*i) == Some(&c)).then(|| *i += 1)
    };
    let year = digits(b, &mut i, 4)?;
    expect(&mut i, b'-')?;
    let month = u32::try_from(digits(b, &mut i, 2)?).ok()?;
    expect(&mut i, b'-')?;
    let day = u32::try_from(digits(b, &mut i, 2)?).ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * MS_PER_DAY;
    if i == b.len() {
        return Some(ms);
    }
    if !matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        return None;
    }
    i += 1;
    let hour = digits(b, &mut i, 2)?;
    expect(&mut i, b':')?;
    let minute = digits(b, &mut i, 2)?;
    let mut second = 0;
    let mut round_up = false;
    if b.get(i) == Some(&b':') {
        i += 1;
        second = digits(b, &mut i, 2)?;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                let d = i64::from(b.get(i).copied().unwrap_or(b'0') - b'0');
                match i - start {
                    0 => ms += d * 100,
                    1 => ms += d * 10,
                    2 => ms += d,
                    _ => round_up |= d != 0,
                }
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    ms += ((hour * 60 + minute) * 60 + second) * 1_000 + i64::from(round_up);
    match b.get(i) {
        None => Some(ms),
        Some(b'Z' | b'z') if i + 1 == b.len() => Some(ms),
        Some(&sign @ (b'+' | b'-' | b' ')) => {
            i += 1;
            let oh = digits(b, &mut i, 2)?;
            let om = if i == b.len() {
                0
            } else {
                if b.get(i) == Some(&b':') {
                    i += 1;
                }
                digits(b, &mut i, 2)?
            };
            if i != b.len() || oh > 23 || om > 59 {
                return None;
            }
            let offset = (oh * 60 + om) * 60_000;
            Some(if sign == b'-' { ms + offset } else { ms - offset })
        }
        _ => None,
    }
}

fn push_padded(out: &mut String, value: i64, width: usize) {
    let digits = value.max(0).to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from GNU date: `date -u -d @SECONDS +%Y-%m-%dT%H:%M:%SZ`.
    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_705_314_600_000), "2024-01-15T10:30:00Z");
        assert_eq!(iso8601(1_709_164_799_999), "2024-02-28T23:59:59Z");
        assert_eq!(iso8601(1_709_210_096_000), "2024-02-29T12:34:56Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(4_102_444_799_000), "2099-12-31T23:59:59Z");
        assert_eq!(iso8601(253_402_300_799_999), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn clamps_bad_clocks() {
        assert_eq!(iso8601(clamp_ms(f64::NAN)), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(clamp_ms(-5.0)), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(clamp_ms(f64::INFINITY)), "9999-12-31T23:59:59Z");
        assert_eq!(clamp_ms(1_705_314_600_123.9), 1_705_314_600_123);
    }

    #[test]
    fn buckets_change_at_utc_midnight_and_month_start() {
        // 2024-01-31T23:59:59.999Z and 2024-02-01T00:00:00Z
        let before = 1_706_745_599_999;
        let after = 1_706_745_600_000;
        assert_eq!(day_bucket(after) - day_bucket(before), 1);
        assert_eq!(month_bucket(after) - month_bucket(before), 1);
        assert_eq!(month_bucket(after), 2024 * 12 + 1);
        // 2023-12-31 -> 2024-01-01: the month bucket is continuous across years.
        assert_eq!(month_bucket(1_704_067_200_000) - month_bucket(1_704_067_199_999), 1);
    }

    // Expected values from GNU date: `date -u -d '2024-01-15T10:30:00Z' +%s%3N` and the like.
    #[test]
    fn millisecond_timestamps() {
        assert_eq!(iso8601_ms(1_705_314_600_123), "2024-01-15T10:30:00.123Z");
        assert_eq!(iso8601_ms(1_705_314_600_007), "2024-01-15T10:30:00.007Z");
        assert_eq!(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_705_314_600_999), "2024-01-15T10:30:00Z");
    }

    #[test]
    fn days_from_civil_inverts_civil_from_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 1, 15), 19_737); // date -u -d 2024-01-15 +%s / 86400
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        for days in [-719_468, -1, 0, 1, 11_016, 19_737, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn parses_iso_8601_dates_and_date_times() {
        const T: i64 = 1_705_314_600_000; // 2024-01-15T10:30:00Z
        assert_eq!(parse_instant("2024-01-15"), Some(1_705_276_800_000)); // midnight UTC
        for same in [
            "2024-01-15T10:30:00Z",
            "2024-01-15T10:30:00z",
            "2024-01-15t10:30:00Z",
            "2024-01-15 10:30:00Z",
            "2024-01-15T10:30:00",
            "2024-01-15T10:30",
            "2024-01-15T10:30Z",
            "2024-01-15T10:30:00.000Z",
            "2024-01-15T10:30:00,0Z",
            "2024-01-15T12:30:00+02:00",
            "2024-01-15T12:30:00+0200",
            "2024-01-15T12:30:00+02",
            "2024-01-15T12:30:00 02:00", // `+` unencoded in a query string
            "2024-01-15T05:30:00-05:00",
            "2024-01-15T10:30:00+00:00",
            "2024-01-15T10:30:00-00:00",
            "2024-01-16T00:00:00+13:30",
        ] {
            assert_eq!(parse_instant(same), Some(T), "{same}");
        }
        assert_eq!(parse_instant("2024-01-15T10:30:00.1Z"), Some(T + 100));
        assert_eq!(parse_instant("2024-01-15T10:30:00.123Z"), Some(T + 123));
        assert_eq!(parse_instant("2024-01-15T10:30:00.123000+00:00"), Some(T + 123)); // Python's isoformat()
        // Finer than a millisecond rounds up: 10:30:00.1231 > 10:30:00.123.
        assert_eq!(parse_instant("2024-01-15T10:30:00.1231Z"), Some(T + 124));
        assert_eq!(parse_instant("2024-01-15T10:30:00.999999999Z"), Some(T + 1_000));
        assert_eq!(parse_instant("2024-02-29"), Some(1_709_164_800_000));
        assert_eq!(parse_instant("1969-12-31T23:59:59.999Z"), Some(-1));
        for bad in [
            "",
            "2024",
            "2024-1-15",
            "2024-01-5",
            "24-01-15",
            "2024/01/15",
            "2024-13-01",
            "2024-00-10",
            "2024-02-30",
            "2023-02-29",
            "2024-01-32",
            "2024-01-15T",
            "2024-01-15T10",
            "2024-01-15T1:30",
            "2024-01-15T24:00:00Z",
            "2024-01-15T10:60:00Z",
            "2024-01-15T10:30:60Z",
            "2024-01-15T10:30:00.Z",
            "2024-01-15T10:30:00ZZ",
            "2024-01-15T10:30:00+2",
            "2024-01-15T10:30:00+02:",
            "2024-01-15T10:30:00+24:00",
            "2024-01-15T10:30:00+02:60",
            "2024-01-15T10:30:00 UTC",
            "2024-01-15x",
            "1705314600",
            "yesterday",
            "２０２４-01-15",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad:?}");
        }
    }
}
