//! Messages and wire text put together piece by piece, not with `format!`: the formatting machinery
//! and the argument code of each `format!` call cost the npm package's main module about 3 kB gzip
//! (measured 2026-11-28, with every `format!` of the crate stubbed out), and every message here is
//! plain pieces of text and integers.

/// The pieces, one after the other: `cat!("`", field, "` is required")`. Each is anything that is
/// `AsRef<str>` (`&str`, `String`, `Cow<str>`); integers go through [`int`].
macro_rules! cat {
    ($($part:expr),+ $(,)?) => {
        $crate::text::concat(&[$(::core::convert::AsRef::<str>::as_ref(&$part)),+])
    };
}

/// What [`cat!`] calls: one allocation, the pieces copied in (`[&str]::concat` is the generic
/// `join`, 0.9 kB of wasm).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The items with `sep` between them.
pub(crate) fn join(items: &[&str], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

/// `n` in decimal, as `n.to_string()` writes it.
pub(crate) fn int(n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    digits[at..].iter().map(|&d| char::from(d)).collect()
}

/// A string of ASCII digits (nothing else: no sign, no space) as the integer it spells; `None` when
/// it is empty, holds anything else or is past `u64::MAX`. One reader instead of `str::parse` per
/// integer type.
pub(crate) fn digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| if b.is_ascii_digit() { n.checked_mul(10)?.checked_add(u64::from(b - b'0')) } else { None })
}

#[cfg(test)]
mod tests {
    use super::{digits, int};

    #[test]
    fn digits_read_as_the_standard_library_reads_unsigned_integers_without_a_sign() {
        let mut cases: Vec<String> = ["", "0", "00", "007", "9", "10", "255", "256", "4294967295", "4294967296", "18446744073709551615",
            "18446744073709551616", "99999999999999999999", "+1", "-1", " 1", "1 ", "1.0", "1e3", "١", "12a", "a12", "0x10"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let mut n = 1u64;
        while let Some(next) = n.checked_mul(3) {
            cases.extend([(n - 1).to_string(), n.to_string(), (n + 1).to_string()]);
            n = next;
        }
        for s in cases {
            let std = if s.starts_with('+') { None } else { s.parse::<u64>().ok() };
            assert_eq!(digits(&s), std, "{s:?}");
        }
    }

    #[test]
    fn integers_read_as_the_standard_library_writes_them() {
        let mut n = 1u64;
        let mut checked = vec![0, 1, 9, 10, 99, 100, 101, u64::from(u16::MAX), u64::from(u32::MAX), u64::MAX - 1, u64::MAX];
        while let Some(next) = n.checked_mul(7) {
            checked.extend([n - 1, n, n + 1]);
            n = next;
        }
        for n in checked {
            assert_eq!(int(n), n.to_string(), "{n}");
        }
    }

    #[test]
    fn pieces_are_joined_in_order() {
        let field = String::from("limit");
        assert_eq!(cat!("`", field, "` is ", int(42), "", " long"), "`limit` is 42 long");
        assert_eq!(cat!("one"), "one");
    }

    #[test]
    fn items_are_joined_as_the_standard_library_joins_them() {
        for items in [&[][..], &["a"], &["a", "b"], &["web", "", "api"]] {
            assert_eq!(super::join(items, ", "), items.join(", "));
        }
    }
}
