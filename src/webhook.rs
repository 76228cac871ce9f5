//! Webhook signature verification: pure, no I/O, no JavaScript.
//!
//! Asyntai signs every delivery with the header `X-Webhook-Signature`: the hex HMAC-SHA256 of the
//! **raw request body bytes**, keyed with the webhook's secret (the whole `whsec_…` string, as UTF-8
//! bytes, prefix included). This module checks such a header:
//!
//! - the value may be lower or upper case hex, may carry a `sha256=` prefix (any case) and may be
//!   surrounded by whitespace; anything else that is not exactly 64 hex digits is
//!   [`Reason::MalformedSignature`], never [`Reason::SignatureMismatch`];
//! - the comparison is constant-time;
//! - several secrets may be given, for rotation without downtime: the body is accepted when any of
//!   them signed it.
//!
//! The key schedule of each secret is computed once ([`Verifier::new`]), so each check hashes only
//! the body.
//!
//! ```
//! use asyntai_edge::webhook::{sign, verify_signature, Reason};
//!
//! let body = br#"{"event":"conversation.started","payload":{}}"#;
//! let header = sign(b"whsec_test", body);
//! assert_eq!(verify_signature(&[b"whsec_test"], body, Some(&header)), Ok(()));
//! assert_eq!(
//!     verify_signature(&[b"whsec_other"], body, Some(&header)),
//!     Err(Reason::SignatureMismatch)
//! );
//! ```

// `alloc`, not `std`: the `webhooks` wasm module can be built `no_std` (see lib.rs).
extern crate alloc;
use alloc::{string::String, vec::Vec};
use sha2::block_api::compress256;

/// HMAC-SHA256 (RFC 2104) keyed once: the SHA-256 states after the key's inner and outer pad blocks.
///
/// Written over sha2's compression function rather than the `hmac` crate's `Hmac<Sha256>`: its
/// generic digest machinery (block buffers, output wrappers, its constant-time compare) cost ~545 B of
/// the gzip'd `asyntai-edge/webhooks` Workers bundle (14,055 -> 13,510 B; main bundle -604 B), for the
/// same result (RFC 4231's vectors in the tests, node:crypto's signatures in the JS suites).
#[derive(Clone)]
struct HmacSha256 {
    inner: [u32; 8],
    outer: [u32; 8],
}

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const H0: [u32; 8] = [
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
];

impl HmacSha256 {
    fn new(secret: &[u8]) -> HmacSha256 {
        let mut key = [0u8; 64];
        let long;
        let secret = if secret.len() > 64 {
            long = digest(H0, 0, secret);
            &long[..]
        } else {
            secret
        };
        for (k, s) in key.iter_mut().zip(secret) {
            *k = *s;
        }
        let pad = |byte: u8| {
            let mut state = H0;
            compress256(&mut state, &[key.map(|k| k ^ byte)]);
            state
        };
        HmacSha256 { inner: pad(0x36), outer: pad(0x5c) }
    }

    fn tag(&self, body: &[u8]) -> [u8; 32] {
        digest(self.outer, 64, &digest(self.inner, 64, body))
    }
}

/// SHA-256 of `data` from `state`, which has already absorbed `before` bytes (whole blocks).
fn digest(mut state: [u32; 8], before: u64, data: &[u8]) -> [u8; 32] {
    // Whole blocks, 16 at a time through a stack buffer (compress256 takes arrays of blocks).
    let mut chunks = data.chunks_exact(64);
    let mut batch = [[0u8; 64]; 16];
    let mut n = 0;
    for block in chunks.by_ref() {
        if let Some(slot) = batch.get_mut(n) {
            slot.copy_from_slice(block);
            n += 1;
        }
        if n == batch.len() {
            compress256(&mut state, &batch);
            n = 0;
        }
    }
    compress256(&mut state, batch.get(..n).unwrap_or_default());
    // The rest, 0x80, zeros, and the length in bits (big-endian): one block or two.
    let rest = chunks.remainder();
    let mut last = [[0u8; 64]; 2];
    let blocks = if rest.len() < 56 { 1 } else { 2 };
    let bits = (before + data.len() as u64).wrapping_mul(8).to_be_bytes();
    for (slot, byte) in last.iter_mut().flatten().zip(rest.iter().copied().chain([0x80])) {
        *slot = byte;
    }
    if let Some(tail) = last.get_mut(blocks - 1).and_then(|b| b.get_mut(56..)) {
        tail.copy_from_slice(&bits);
    }
    compress256(&mut state, last.get(..blocks).unwrap_or_default());
    let mut out = [0u8; 32];
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Constant-time equality of two tags (every byte is looked at, whatever differs).
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && core::hint::black_box(a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y))) == 0
}

/// Why a delivery was rejected. [`Reason::as_str`] gives the name JavaScript sees as `err.reason`;
/// [`Reason::code`] the number that crosses the wasm boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// No signature header, or an empty one.
    MissingSignature,
    /// Not exactly 64 hex digits once an optional `sha256=` prefix and surrounding whitespace are removed.
    MalformedSignature,
    /// A well-formed signature that none of the secrets produced for these bytes.
    SignatureMismatch,
    /// The signature is good but the body is not a JSON object.
    InvalidJson,
    /// No secret, an empty secret, or an empty list of secrets.
    MissingSecret,
}

impl Reason {
    /// Every reason, in [`Reason::code`] order (code = index + 1).
    pub const ALL: [Reason; 5] = [
        Reason::MissingSignature,
        Reason::MalformedSignature,
        Reason::SignatureMismatch,
        Reason::InvalidJson,
        Reason::MissingSecret,
    ];

    /// The snake_case name of the spec (`err.reason` in JavaScript).
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::MissingSignature => "missing_signature",
            Reason::MalformedSignature => "malformed_signature",
            Reason::SignatureMismatch => "signature_mismatch",
            Reason::InvalidJson => "invalid_json",
            Reason::MissingSecret => "missing_secret",
        }
    }

    /// The number that crosses the wasm boundary: 1..=5 (0 means verified).
    pub fn code(&self) -> u32 {
        match self {
            Reason::MissingSignature => 1,
            Reason::MalformedSignature => 2,
            Reason::SignatureMismatch => 3,
            Reason::InvalidJson => 4,
            Reason::MissingSecret => 5,
        }
    }

    /// The reason with this [`Reason::code`], if any.
    pub fn from_code(code: u32) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// A message for people: what went wrong and the usual cause (JavaScript's `err.message`).
    pub fn message(&self) -> &'static str {
        match self {
            Reason::MissingSignature => {
                "Missing X-Webhook-Signature header: the request was not signed by Asyntai, or a proxy dropped the header."
            }
            Reason::MalformedSignature => {
                "Malformed X-Webhook-Signature header: expected 64 hex characters, optionally prefixed with \"sha256=\"."
            }
            Reason::SignatureMismatch => {
                "Webhook signature does not match. Verify the raw request body bytes exactly as received: a body that was \
                 parsed and re-serialized (JSON.stringify(JSON.parse(body)), express.json(), ...) no longer matches. \
                 Also check that the secret is this webhook's whsec_ secret."
            }
            Reason::InvalidJson => "The webhook signature is valid but the body is not a JSON object.",
            Reason::MissingSecret => {
                "Missing webhook secret: pass the whsec_ secret returned when the webhook was created \
                 (no secret, an empty one, or an empty list was given)."
            }
        }
    }
}

impl core::fmt::Display for Reason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Reason {}

/// The `X-Webhook-Signature` value for `body` signed with `secret`: lowercase hex HMAC-SHA256.
///
/// `secret` is the webhook's secret as bytes (for `whsec_abc`, the bytes of `whsec_abc`).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let hex = sign_hex(&HmacSha256::new(secret), body);
    hex.iter().map(|&b| char::from(b)).collect()
}

fn sign_hex(key: &HmacSha256, body: &[u8]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let tag = key.tag(body);
    let mut hex = [0u8; 64];
    for (pair, b) in hex.chunks_exact_mut(2).zip(tag.iter()) {
        if let [hi, lo] = pair {
            *hi = DIGITS[usize::from(b >> 4)];
            *lo = DIGITS[usize::from(b & 15)];
        }
    }
    hex
}

/// Checks `header` (the `X-Webhook-Signature` value, `None` when absent) against `body` for any of
/// `secrets`.
///
/// # Errors
/// [`Reason::MissingSecret`] when `secrets` is empty or holds an empty secret, then
/// [`Reason::MissingSignature`], [`Reason::MalformedSignature`] or [`Reason::SignatureMismatch`].
pub fn verify_signature(secrets: &[&[u8]], body: &[u8], header: Option<&str>) -> Result<(), Reason> {
    let mut verifier = Verifier::new();
    for secret in secrets {
        verifier.add(secret);
    }
    verifier.verify(body, header)
}

/// A delivery: `{"event": "...", "payload": {...}}`.
#[cfg(feature = "client")]
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct WebhookEvent {
    /// `message.received`, `conversation.started`, `escalation.requested`, `takeover.started`,
    /// `lead.captured`, `ticket.created`...
    pub event: String,
    /// The event's data (its shape depends on the event; `lead.captured`: email, phone, page_url,
    /// country, website_domain, session_id, started_at).
    pub payload: serde_json::Value,
    /// Fields this crate does not know yet.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Verifies webhook deliveries for Rust callers: the secrets' key schedules made once, then each
/// [`Webhook::verify`] hashes the body, compares in constant time and parses the event.
///
/// ```
/// use asyntai_edge::Webhook;
/// let body = br#"{"event":"conversation.started","payload":{"session_id":"s1"}}"#;
/// let header = asyntai_edge::webhook::sign(b"whsec_test", body);
/// let event = Webhook::new("whsec_test")?.verify(body, &header)?;
/// assert_eq!(event.event, "conversation.started");
/// # Ok::<(), asyntai_edge::Error>(())
/// ```
#[cfg(feature = "client")]
#[derive(Debug, Clone)]
pub struct Webhook {
    verifier: Verifier,
}

#[cfg(feature = "client")]
impl Webhook {
    /// For one secret (the `whsec_...` string shown when the webhook was created).
    ///
    /// # Errors
    /// [`crate::Error::Webhook`] with [`Reason::MissingSecret`] for an empty secret.
    pub fn new(secret: &str) -> Result<Webhook, crate::Error> {
        Webhook::with_secrets(&[secret])
    }

    /// For several secrets (rotation without downtime: a delivery signed by any of them is accepted).
    ///
    /// # Errors
    /// [`crate::Error::Webhook`] with [`Reason::MissingSecret`] for no secret or an empty one.
    pub fn with_secrets(secrets: &[&str]) -> Result<Webhook, crate::Error> {
        let mut verifier = Verifier::new();
        for s in secrets {
            verifier.add(s.as_bytes());
        }
        verifier.check_secrets()?;
        Ok(Webhook { verifier })
    }

    /// Checks `signature` (the `X-Webhook-Signature` header) against the raw body bytes, then reads
    /// the event.
    ///
    /// # Errors
    /// [`crate::Error::Webhook`]: [`Reason::MissingSignature`], [`Reason::MalformedSignature`],
    /// [`Reason::SignatureMismatch`], or [`Reason::InvalidJson`] (signature good, body not a JSON object).
    pub fn verify(&self, body: &[u8], signature: &str) -> Result<WebhookEvent, crate::Error> {
        self.verifier.verify(body, Some(signature))?;
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v @ serde_json::Value::Object(_)) => serde_json::from_value(v).map_err(|_| Reason::InvalidJson.into()),
            _ => Err(Reason::InvalidJson.into()),
        }
    }

    /// Whether `signature` signs `body` (never an error).
    pub fn is_valid(&self, body: &[u8], signature: &str) -> bool {
        self.verifier.verify(body, Some(signature)).is_ok()
    }
}

#[cfg(feature = "client")]
impl From<Reason> for crate::Error {
    fn from(reason: Reason) -> Self {
        crate::Error::Webhook { reason, message: reason.message().into() }
    }
}

/// A set of secrets with their HMAC key schedules computed once, for checking many deliveries.
#[derive(Clone, Default)]
pub struct Verifier {
    keys: Vec<HmacSha256>,
    has_empty: bool,
}

impl core::fmt::Debug for Verifier {
    // Never prints key material.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifier").field("secrets", &self.keys.len()).finish()
    }
}

impl Verifier {
    /// An empty set: every check fails with [`Reason::MissingSecret`] until a secret is added.
    pub fn new() -> Verifier {
        Verifier::default()
    }

    /// Adds a secret (its bytes: for `whsec_abc`, the bytes of `whsec_abc`). An empty one makes
    /// every check fail with [`Reason::MissingSecret`].
    pub fn add(&mut self, secret: &[u8]) {
        if secret.is_empty() {
            self.has_empty = true;
        } else {
            self.keys.push(HmacSha256::new(secret));
        }
    }

    /// [`Reason::MissingSecret`] when no secret was added or an empty one was.
    ///
    /// # Errors
    /// As said.
    pub fn check_secrets(&self) -> Result<(), Reason> {
        if self.keys.is_empty() || self.has_empty {
            Err(Reason::MissingSecret)
        } else {
            Ok(())
        }
    }

    /// The signature header value of `body` with the first secret added (lowercase hex, as ASCII).
    ///
    /// # Errors
    /// [`Reason::MissingSecret`] as in [`Verifier::check_secrets`].
    pub fn sign(&self, body: &[u8]) -> Result<[u8; 64], Reason> {
        self.check_secrets()?;
        match self.keys.first() {
            Some(key) => Ok(sign_hex(key, body)),
            None => Err(Reason::MissingSecret),
        }
    }

    /// As [`verify_signature`], with the secrets added so far.
    ///
    /// # Errors
    /// As [`verify_signature`].
    pub fn verify(&self, body: &[u8], header: Option<&str>) -> Result<(), Reason> {
        self.verify_bytes(body, header.unwrap_or("").as_bytes())
    }

    /// As [`Verifier::verify`], with the header as bytes (an absent header is empty).
    ///
    /// # Errors
    /// As [`verify_signature`].
    pub fn verify_bytes(&self, body: &[u8], header: &[u8]) -> Result<(), Reason> {
        self.check_secrets()?;
        let tag = parse_header_bytes(header)?;
        for key in &self.keys {
            if same(&key.tag(body), &tag) {
                return Ok(());
            }
        }
        Err(Reason::SignatureMismatch)
    }
}

/// Parses a signature header into the 32 bytes it names.
///
/// # Errors
/// [`Reason::MissingSignature`] for `None`, an empty or all-whitespace value;
/// [`Reason::MalformedSignature`] unless 64 hex digits remain once whitespace around the value and
/// an optional `sha256=` prefix (any case) are removed.
pub fn parse_header(header: Option<&str>) -> Result<[u8; 32], Reason> {
    parse_header_bytes(header.unwrap_or("").as_bytes())
}

/// As [`parse_header`], for the header's UTF-8 bytes (an absent header is empty). Whitespace means
/// ASCII whitespace, as in HTTP.
///
/// # Errors
/// As [`parse_header`].
pub fn parse_header_bytes(header: &[u8]) -> Result<[u8; 32], Reason> {
    let mut hex = header.trim_ascii();
    if hex.is_empty() {
        return Err(Reason::MissingSignature);
    }
    if let Some((prefix, rest)) = hex.split_at_checked(7) {
        if prefix.eq_ignore_ascii_case(b"sha256=") {
            hex = rest;
        }
    }
    if hex.len() != 64 {
        return Err(Reason::MalformedSignature);
    }
    let mut tag = [0u8; 32];
    for (out, pair) in tag.iter_mut().zip(hex.chunks_exact(2)) {
        match pair {
            [hi, lo] => match (hex_value(*hi), hex_value(*lo)) {
                (Some(hi), Some(lo)) => *out = (hi << 4) | lo,
                _ => return Err(Reason::MalformedSignature),
            },
            _ => return Err(Reason::MalformedSignature),
        }
    }
    Ok(tag)
}

/// The value of one hex digit, either case.
pub(crate) fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    const RFC4231_2: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    #[test]
    fn sign_matches_rfc4231() {
        assert_eq!(sign(b"Jefe", b"what do ya want for nothing?"), RFC4231_2);
        // Test cases 6 and 7: a key longer than a block (hashed first), data longer than a block.
        let key = [0xaa; 131];
        assert_eq!(
            sign(&key, b"Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        assert_eq!(
            sign(
                &key,
                b"This is a test using a larger than block-size key and a larger than block-size data. \
                  The key needs to be hashed before being used by the HMAC algorithm."
            ),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        );
    }

    #[test]
    fn verifies_lower_upper_prefixed_and_padded() {
        let body = b"what do ya want for nothing?";
        for header in [
            RFC4231_2.to_string(),
            RFC4231_2.to_uppercase(),
            format!("sha256={RFC4231_2}"),
            format!("SHA256={}", RFC4231_2.to_uppercase()),
            format!(" \t{RFC4231_2}\r\n"),
            format!("  sha256={RFC4231_2} "),
        ] {
            assert_eq!(verify_signature(&[b"Jefe"], body, Some(&header)), Ok(()), "{header:?}");
        }
    }

    #[test]
    fn each_reason() {
        let body = b"what do ya want for nothing?";
        let ok = Some(RFC4231_2);
        assert_eq!(verify_signature(&[], body, ok), Err(Reason::MissingSecret));
        assert_eq!(verify_signature(&[b""], body, ok), Err(Reason::MissingSecret));
        assert_eq!(verify_signature(&[b"Jefe", b""], body, ok), Err(Reason::MissingSecret));
        assert_eq!(verify_signature(&[b"Jefe"], body, None), Err(Reason::MissingSignature));
        assert_eq!(verify_signature(&[b"Jefe"], body, Some("")), Err(Reason::MissingSignature));
        assert_eq!(verify_signature(&[b"Jefe"], body, Some(" \t ")), Err(Reason::MissingSignature));
        for bad in [
            "sha256=",
            &RFC4231_2[..63],
            &format!("{RFC4231_2}0"),
            &format!("{}g", &RFC4231_2[..63]),
            &format!("sha1={}", &RFC4231_2[..59]),
            &format!("sha256 ={RFC4231_2}"),
            &format!("{} {}", &RFC4231_2[..32], &RFC4231_2[32..]),
            "é",
        ] {
            assert_eq!(
                verify_signature(&[b"Jefe"], body, Some(bad)),
                Err(Reason::MalformedSignature),
                "{bad:?}"
            );
        }
        let wrong = format!("{}4", &RFC4231_2[..63]);
        assert_eq!(verify_signature(&[b"Jefe"], body, Some(&wrong)), Err(Reason::SignatureMismatch));
        assert_eq!(verify_signature(&[b"jefe"], body, ok), Err(Reason::SignatureMismatch));
        assert_eq!(
            verify_signature(&[b"Jefe"], b"what do ya want for nothing? ", ok),
            Err(Reason::SignatureMismatch)
        );
    }

    #[test]
    fn rotation_accepts_any_secret() {
        let body = b"what do ya want for nothing?";
        let ok = Some(RFC4231_2);
        assert_eq!(verify_signature(&[b"new", b"Jefe"], body, ok), Ok(()));
        assert_eq!(verify_signature(&[b"Jefe", b"new"], body, ok), Ok(()));
        assert_eq!(verify_signature(&[b"new", b"newer"], body, ok), Err(Reason::SignatureMismatch));
    }

    #[test]
    fn verifier_is_reusable() {
        let mut v = Verifier::new();
        assert_eq!(v.verify(b"", Some(RFC4231_2)), Err(Reason::MissingSecret));
        v.add(b"Jefe");
        for _ in 0..3 {
            assert_eq!(v.verify(b"what do ya want for nothing?", Some(RFC4231_2)), Ok(()));
            assert_eq!(v.verify(b"x", Some(RFC4231_2)), Err(Reason::SignatureMismatch));
        }
        assert!(!format!("{v:?}").contains("Jefe"));
    }

    #[test]
    fn reason_names_codes_and_messages() {
        let names: Vec<_> = Reason::ALL.iter().map(Reason::as_str).collect();
        assert_eq!(
            names,
            ["missing_signature", "malformed_signature", "signature_mismatch", "invalid_json", "missing_secret"]
        );
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
            assert!(!r.message().is_empty());
        }
        assert_eq!(Reason::from_code(0), None);
        assert_eq!(Reason::from_code(6), None);
        assert!(Reason::SignatureMismatch.message().contains("raw request body"));
        assert!(Reason::SignatureMismatch.message().contains("re-serialized"));
    }

    #[test]
    fn parse_header_decodes_both_cases() {
        let mut expected = [0u8; 32];
        expected[0] = 0xab;
        expected[31] = 0xcd;
        let lower = format!("ab{}cd", "0".repeat(60));
        assert_eq!(parse_header(Some(&lower)), Ok(expected));
        assert_eq!(parse_header(Some(&lower.to_uppercase())), Ok(expected));
        assert_eq!(parse_header_bytes(format!(" \tsha256={lower}\n").as_bytes()), Ok(expected));
    }

    #[cfg(feature = "client")]
    #[test]
    fn verify_parses_json_objects_only() {
        let body = br#"{"event":"lead.captured","payload":{"email":"a@b.c"}}"#;
        let header = sign(b"s", body);
        let wh = Webhook::new("s").unwrap();
        let event = wh.verify(body, &header).unwrap();
        assert_eq!(event.event, "lead.captured");
        assert_eq!(event.payload["email"], "a@b.c");
        let reason = |r: Result<WebhookEvent, crate::Error>| match r {
            Err(crate::Error::Webhook { reason, .. }) => Some(reason),
            _ => None,
        };
        for bad in [&b"not json"[..], b"[1]", b"42", b""] {
            let header = sign(b"s", bad);
            assert_eq!(reason(wh.verify(bad, &header)), Some(Reason::InvalidJson));
        }
        assert_eq!(reason(wh.verify(body, RFC4231_2)), Some(Reason::SignatureMismatch));
    }
}
