//! Webhook signature vectors. Every expected value was computed outside this crate, with Python's
//! `hmac` module and checked with `openssl dgst -sha256 -mac HMAC` (both agree):
//!
//! ```python
//! hmac.new(secret, body, hashlib.sha256).hexdigest()
//! ```
//!
//! The property tests compare against an HMAC built here from the SHA-256 primitive (RFC 2104's
//! ipad/opad construction), not from the `hmac` crate the code under test uses.
#![cfg(all(feature = "webhooks", not(target_arch = "wasm32")))]

use asyntai_edge::webhook::{sign, verify_signature, Reason, Verifier};
use proptest::prelude::*;

const SECRET: &[u8] = b"whsec_test_secret";
const NONASCII: &str = r#"{"event":"message.received","payload":{"message":"Grüße, 你好 👋"}}"#;
const NONASCII_SIG: &str = "6019b4664420b1c62cfa39099fec6d07b44b9bef9a112998b8441fdf4a942292";

/// (secret, body, python hmac hexdigest)
fn vectors() -> Vec<(&'static [u8], Vec<u8>, &'static str)> {
    vec![
        (SECRET, NONASCII.as_bytes().to_vec(), NONASCII_SIG),
        (
            SECRET,
            b"{\"event\":\"conversation.started\",\"payload\":{}}\n".to_vec(),
            "c054ca74bee4a362ba87be1ae4322ea1fa0e490a2f20421c0f422801f48bfe3e",
        ),
        (
            SECRET,
            b"{\"event\":\"conversation.started\",\"payload\":{}}".to_vec(),
            "194e9897bb5c19acc56adabb8706d7125c9633ca3cf349e8d570ce4ddd89605d",
        ),
        (
            SECRET,
            b"{\"event\":\"takeover.started\",\r\n\"payload\":{}}\r\n".to_vec(),
            "590f53c2909ee2da31bd3bae444018549f22300a8599bca0abd8cb341160faee",
        ),
        (SECRET, Vec::new(), "c6c175a074d482e2b94a0f8c5619f3abd861a511ec3ea7603b906811fd3d9d30"),
        (SECRET, big_body(), "2ca01c270f29c24ee37d0d3a7f5572dd3f9b49f959ab01249b7db481f8b6448d"),
        (
            b"whsec_old",
            br#"{"event": "lead.captured", "payload": {"email": "ada@example.com", "phone": null}}"#.to_vec(),
            "423b340335e83487e6e69a141d1aa601bef99f28aa66c6f6f0b6e6fb978a1ac9",
        ),
        (
            b"whsec_old",
            br#"{"event":"lead.captured","payload":{"email":"ada@example.com","phone":null}}"#.to_vec(),
            "e643560a2c02e6a936a6c1f1f7013028a0890da17f4dda6f0a15c30153e1a1d8",
        ),
        // A secret longer than SHA-256's 64-byte block: HMAC hashes it first.
        (
            LONG_SECRET.as_bytes(),
            br#"{"event":"escalation.requested","payload":{}}"#.to_vec(),
            "d7b5927b56cd5aad8051557709bd34701c788d656fa9e61702d97dbb6a08a145",
        ),
        ("whsec_ключ".as_bytes(), b"{}".to_vec(), "091948359c42fcceb2ad68237aeb436d75b644a33015f544032c1d2d87059f94"),
        // The same body as the first, keyed without the whsec_ prefix: the prefix is part of the key.
        (b"test_secret", NONASCII.as_bytes().to_vec(), "84678d9199abc55aacccdde9360341d5c902604f8b2bde42ac140b8bf01ea2eb"),
    ]
}

const LONG_SECRET: &str = "whsec_kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

/// 1 MiB: byte i is (31 i + 7) mod 251 (the same formula made the Python vector).
fn big_body() -> Vec<u8> {
    (0..1usize << 20).map(|i| ((i * 31 + 7) % 251) as u8).collect()
}

#[test]
fn long_secret_is_100_k() {
    assert_eq!(LONG_SECRET.len(), 106);
    assert!(LONG_SECRET[6..].bytes().all(|b| b == b'k'));
}

#[test]
fn sign_matches_python_and_openssl() {
    for (secret, body, expected) in vectors() {
        assert_eq!(sign(secret, &body), expected, "body of {} bytes", body.len());
    }
}

#[test]
fn verify_accepts_every_vector_in_every_accepted_spelling() {
    for (secret, body, sig) in vectors() {
        let upper = sig.to_uppercase();
        for header in [
            sig.to_string(),
            upper.clone(),
            format!("sha256={sig}"),
            format!("SHA256={upper}"),
            format!("Sha256={sig}"),
            format!("  {sig}\t"),
            format!("\r\n sha256={sig} \n"),
        ] {
            assert_eq!(verify_signature(&[secret], &body, Some(&header)), Ok(()), "{header:?}");
        }
    }
}

#[test]
fn a_reserialized_body_does_not_verify() {
    let v = vectors();
    let (secret, _, spaced_sig) = v[6];
    let compact = &v[7].1;
    assert_eq!(verify_signature(&[secret], compact, Some(spaced_sig)), Err(Reason::SignatureMismatch));
}

#[test]
fn one_byte_changes_everything() {
    let v = vectors();
    let (with_nl, without_nl) = (&v[1], &v[2]);
    assert_eq!(verify_signature(&[SECRET], &without_nl.1, Some(with_nl.2)), Err(Reason::SignatureMismatch));
    assert_eq!(verify_signature(&[SECRET], &with_nl.1, Some(without_nl.2)), Err(Reason::SignatureMismatch));
    let mut big = big_body();
    if let Some(last) = big.last_mut() {
        *last ^= 1;
    }
    assert_eq!(verify_signature(&[SECRET], &big, Some(v[5].2)), Err(Reason::SignatureMismatch));
}

#[test]
fn rotation_with_several_secrets() {
    let body = br#"{"event": "lead.captured", "payload": {"email": "ada@example.com", "phone": null}}"#;
    let by_old = "423b340335e83487e6e69a141d1aa601bef99f28aa66c6f6f0b6e6fb978a1ac9";
    let old: &[u8] = b"whsec_old";
    assert_eq!(verify_signature(&[b"whsec_new", old], body, Some(by_old)), Ok(()));
    assert_eq!(verify_signature(&[old, b"whsec_new"], body, Some(by_old)), Ok(()));
    assert_eq!(verify_signature(&[b"whsec_a", b"whsec_b", b"whsec_c", old], body, Some(by_old)), Ok(()));
    assert_eq!(
        verify_signature(&[b"whsec_new", b"whsec_newer"], body, Some(by_old)),
        Err(Reason::SignatureMismatch)
    );
}

#[test]
fn every_reason() {
    let body = NONASCII.as_bytes();
    let ok = Some(NONASCII_SIG);
    assert_eq!(verify_signature(&[], body, ok), Err(Reason::MissingSecret));
    assert_eq!(verify_signature(&[b""], body, ok), Err(Reason::MissingSecret));
    assert_eq!(verify_signature(&[SECRET, b""], body, ok), Err(Reason::MissingSecret));
    assert_eq!(verify_signature(&[SECRET], body, None), Err(Reason::MissingSignature));
    assert_eq!(verify_signature(&[SECRET], body, Some("")), Err(Reason::MissingSignature));
    assert_eq!(verify_signature(&[SECRET], body, Some(" \t\r\n")), Err(Reason::MissingSignature));
    let sig = NONASCII_SIG;
    for bad in [
        "sha256=".to_string(),
        sig[..63].to_string(),
        format!("{sig}a"),
        format!("{}z", &sig[..63]),
        format!("sha1={sig}"),
        format!("sha256:{sig}"),
        format!("sha256= {sig}"),
        format!("{},{}", &sig[..32], &sig[32..]),
        format!("0x{}", &sig[..62]),
        format!("\u{a0}{sig}"),
        format!("{}é", &sig[..62]),
        format!("{sig}{sig}"),
    ] {
        assert_eq!(verify_signature(&[SECRET], body, Some(&bad)), Err(Reason::MalformedSignature), "{bad:?}");
    }
    // Well-formed but wrong: the signature of another body, a flipped digit, another secret.
    assert_eq!(
        verify_signature(&[SECRET], body, Some("c6c175a074d482e2b94a0f8c5619f3abd861a511ec3ea7603b906811fd3d9d30")),
        Err(Reason::SignatureMismatch)
    );
    let flipped = format!("7{}", &sig[1..]);
    assert_eq!(verify_signature(&[SECRET], body, Some(&flipped)), Err(Reason::SignatureMismatch));
    assert_eq!(verify_signature(&[b"whsec_other"], body, ok), Err(Reason::SignatureMismatch));
    // Missing secret wins over every header problem: it is the configuration at fault.
    assert_eq!(verify_signature(&[], body, None), Err(Reason::MissingSecret));
    assert_eq!(verify_signature(&[], body, Some("zz")), Err(Reason::MissingSecret));
    // Reason names of the spec.
    assert_eq!(Reason::InvalidJson.as_str(), "invalid_json");
}

#[test]
fn verifier_checks_many_deliveries() {
    let mut v = Verifier::new();
    v.add(b"whsec_new");
    v.add(SECRET);
    for (secret, body, sig) in vectors() {
        let expected = if secret == SECRET { Ok(()) } else { Err(Reason::SignatureMismatch) };
        assert_eq!(v.verify(&body, Some(sig)), expected);
    }
    assert_eq!(v.sign(NONASCII.as_bytes()).map(|h| h.to_vec()), Ok(sign(b"whsec_new", NONASCII.as_bytes()).into_bytes()));
}

/// RFC 2104 HMAC-SHA256 built on the SHA-256 primitive, independent of the `hmac` crate.
fn reference_hmac(key: &[u8], msg: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner = Sha256::new()
        .chain_update(block.map(|b| b ^ 0x36))
        .chain_update(msg)
        .finalize();
    let outer = Sha256::new().chain_update(block.map(|b| b ^ 0x5c)).chain_update(inner).finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn reference_hmac_matches_python() {
    for (secret, body, expected) in vectors() {
        assert_eq!(reference_hmac(secret, &body), expected);
    }
}

/// What the spec says a header is, restated independently: trim, optional prefix, 64 hex digits.
fn well_formed(header: &str) -> bool {
    let t = header.trim_matches(|c: char| c.is_ascii_whitespace());
    let t = if t.len() >= 7 && t.is_char_boundary(7) && t[..7].eq_ignore_ascii_case("sha256=") { &t[7..] } else { t };
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_classifies_headers(
        header in prop_oneof![
            any::<String>(),
            "[ \t]{0,3}(sha256=|SHA256=)?[0-9a-fA-F]{60,68}[ \t\r\n]{0,3}",
            "[0-9a-fA-FxX= ]{0,80}",
        ],
        body in proptest::collection::vec(any::<u8>(), 0..300),
        secret in proptest::collection::vec(any::<u8>(), 0..100),
        absent in any::<bool>(),
    ) {
        let header = if absent { None } else { Some(header.as_str()) };
        let got = verify_signature(&[&secret], &body, header);
        let h = header.unwrap_or("");
        let expected_kind = if secret.is_empty() {
            Some(Reason::MissingSecret)
        } else if h.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty() {
            Some(Reason::MissingSignature)
        } else if !well_formed(h) {
            Some(Reason::MalformedSignature)
        } else {
            None
        };
        match expected_kind {
            Some(reason) => prop_assert_eq!(got, Err(reason)),
            None => {
                let t = h.trim_matches(|c: char| c.is_ascii_whitespace()).to_ascii_lowercase();
                let hex = t.strip_prefix("sha256=").unwrap_or(&t);
                let expected = if hex == reference_hmac(&secret, &body) { Ok(()) } else { Err(Reason::SignatureMismatch) };
                prop_assert_eq!(got, expected);
            }
        }
    }

    #[test]
    fn sign_matches_reference_and_verifies(
        body in proptest::collection::vec(any::<u8>(), 0..2000),
        secret in proptest::collection::vec(any::<u8>(), 1..150),
        upper in any::<bool>(),
        other in proptest::collection::vec(any::<u8>(), 1..40),
    ) {
        let sig = sign(&secret, &body);
        prop_assert_eq!(&sig, &reference_hmac(&secret, &body));
        let header = if upper { sig.to_uppercase() } else { sig.clone() };
        prop_assert_eq!(verify_signature(&[&other, &secret], &body, Some(&header)), Ok(()));
        if reference_hmac(&other, &body) != sig {
            prop_assert_eq!(verify_signature(&[&other], &body, Some(&header)), Err(Reason::SignatureMismatch));
        }
    }
}
