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
    let days = day_bucket(ms);
    let secs_of_day = (ms - days * MS_PER_DAY) / 1_000;
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s) = (secs_of_day / 3_600, (secs_of_day / 60) % 60, secs_of_day % 60);
    let mut out = String::with_capacity(20);
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
    out.push('Z');
    out
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
}
