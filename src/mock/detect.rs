//! Hand-written detectors over a visitor's message: an email address or phone number (a lead),
//! and a request to talk to a human (an escalation). No regex engine: plain character scans.

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

/// The first plausible email address in `text`: `local@domain.tld`, the domain lower-cased.
pub(crate) fn find_email(text: &str) -> Option<String> {
    for (at, _) in text.match_indices('@') {
        let before = text.get(..at)?;
        let after = text.get(at + 1..)?;
        let local_start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_local_char(c))
            .last()
            .map_or(at, |(i, _)| i);
        let local = before.get(local_start..)?.trim_start_matches(['.', '\'']);
        let domain_len = after
            .char_indices()
            .take_while(|&(_, c)| is_domain_char(c))
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let domain = after.get(..domain_len)?.trim_end_matches(['.', '-']);
        if local.is_empty() || local.ends_with('.') || local.contains("..") {
            continue;
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let valid_labels = labels.len() >= 2
            && labels
                .iter()
                .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        let tld_ok = labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if valid_labels && tld_ok {
            return Some(format!("{local}@{}", domain.to_ascii_lowercase()));
        }
    }
    None
}

/// The first plausible phone number in `text`, normalised to `+` (when written) and digits:
/// `+1 (555) 123-4567` -> `+15551234567`. A number written with `+` needs 8 to 15 digits, one
/// without needs 10 to 15 (so order numbers, prices and dates are not taken for phones); a run
/// glued to letters (`abc1234567890`) is not a phone number.
pub(crate) fn find_phone(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        let starts = c == '+' || c == '(' || c.is_ascii_digit();
        let prev = if i == 0 { None } else { chars.get(i - 1).copied() };
        if !starts || prev.is_some_and(|p| p.is_alphanumeric() || p == '@' || p == '.') {
            i += 1;
            continue;
        }
        // Extend over digits and phone punctuation; a space is allowed only between groups.
        let mut j = i;
        let mut digits = String::new();
        let plus = c == '+';
        while j < chars.len() {
            let d = chars.get(j).copied().unwrap_or(' ');
            if d.is_ascii_digit() {
                digits.push(d);
            } else if d == '+' && j == i {
            } else if matches!(d, '-' | '.' | '(' | ')' | ' ') {
                let next = chars.get(j + 1).copied().unwrap_or(' ');
                if !(next.is_ascii_digit() || next == '(') && d != ')' {
                    break;
                }
            } else {
                break;
            }
            j += 1;
        }
        let next = chars.get(j).copied();
        let glued = next.is_some_and(|n| n.is_alphabetic() || n == '@');
        let (min, max) = if plus { (8, 15) } else { (10, 15) };
        if !glued && (min..=max).contains(&digits.len()) {
            return Some(if plus { format!("+{digits}") } else { digits });
        }
        i = j.max(i + 1);
    }
    None
}

/// Phrases that ask for a person. Matched on whole words, case-insensitively.
const HUMAN_PHRASES: &[&str] = &[
    "human",
    "humans",
    "agent",
    "agents",
    "live agent",
    "representative",
    "operator",
    "real person",
    "live person",
    "actual person",
    "speak to someone",
    "speak with someone",
    "talk to someone",
    "talk with someone",
];

/// Whether the visitor asks for a human agent ("can I talk to a real person?").
pub(crate) fn wants_human(text: &str) -> bool {
    // Normalise to lower-case words separated by single spaces, with a space at each end, so that
    // a phrase is matched on word boundaries with a plain substring search.
    let mut words = String::with_capacity(text.len() + 2);
    words.push(' ');
    for c in text.chars() {
        if c.is_alphanumeric() {
            words.extend(c.to_lowercase());
        } else if !words.ends_with(' ') {
            words.push(' ');
        }
    }
    if !words.ends_with(' ') {
        words.push(' ');
    }
    HUMAN_PHRASES.iter().any(|phrase| {
        let mut needle = String::with_capacity(phrase.len() + 2);
        needle.push(' ');
        needle.push_str(phrase);
        needle.push(' ');
        words.contains(&needle)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            find_email("mail me at Jane.Doe+shop@Example.COM."),
            Some("Jane.Doe+shop@example.com".into())
        );
        assert_eq!(
            find_email("(bob@mail.example.org)"),
            Some("bob@mail.example.org".into())
        );
        assert_eq!(find_email("x@y"), None);
        assert_eq!(find_email("@example.com"), None);
        assert_eq!(find_email("user@.com"), None);
        assert_eq!(find_email("a@b.c1"), None);
        assert_eq!(
            find_email("twitter @handle then real: ann@ex.io"),
            Some("ann@ex.io".into())
        );
        assert_eq!(find_email("no address here"), None);
    }

    #[test]
    fn phones() {
        assert_eq!(find_phone("call +1 (555) 123-4567 today"), Some("+15551234567".into()));
        assert_eq!(find_phone("my number is 555-123-4567."), Some("5551234567".into()));
        assert_eq!(find_phone("+44 20 7946 0958"), Some("+442079460958".into()));
        assert_eq!(find_phone("+1234567890"), Some("+1234567890".into()));
        assert_eq!(find_phone("order 1234567 on 2024-01-15 for $19.99"), None);
        assert_eq!(find_phone("serial abc1234567890"), None);
        assert_eq!(find_phone("1234567890xyz"), None);
        assert_eq!(find_phone("ann5551234567@ex.io"), None);
        assert_eq!(find_phone("nothing"), None);
    }

    #[test]
    fn human_requests() {
        for yes in [
            "Can I talk to a human?",
            "AGENT please",
            "I want a real person",
            "let me speak to someone",
            "Is there a live-agent?",
        ] {
            assert!(wants_human(yes), "{yes}");
        }
        for no in ["What are your hours?", "humanity", "agency fees", "someone said hi", ""] {
            assert!(!wants_human(no), "{no}");
        }
    }
}
