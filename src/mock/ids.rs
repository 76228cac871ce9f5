//! Deterministic ids and secrets: counters through a fixed mixing function, so a scenario played
//! twice yields the same ids, secrets and signatures.

/// SplitMix64's finaliser: a bijection on u64, so distinct counters give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn push_hex(out: &mut String, v: u64, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        let nibble = ((v >> (i * 4)) & 15) as usize;
        out.push(char::from(HEX.get(nibble).copied().unwrap_or(b'0')));
    }
}

/// `abc-123-def`-shaped ids like the reference's: `kn-1a2b3c4d-5e6f` for the n-th of a kind.
fn make_id(prefix: &str, salt: u64, n: u64) -> String {
    let v = mix(salt ^ n);
    let mut out = String::with_capacity(prefix.len() + 14);
    out.push_str(prefix);
    out.push('-');
    push_hex(&mut out, v >> 32, 8);
    out.push('-');
    push_hex(&mut out, v & 0xffff, 4);
    out
}

const SALT_KNOWLEDGE: u64 = 0x6b6e_6f77_6c65_6467;
const SALT_WEBHOOK: u64 = 0x7765_6268_6f6f_6b73;
const SALT_SESSION: u64 = 0x7365_7373_696f_6e73;
const SALT_SECRET: u64 = 0x7365_6372_6574_7321;

/// The n-th knowledge entry's id: `kn-1a2b3c4d-5e6f`.
pub(crate) fn knowledge_id(n: u64) -> String {
    make_id("kn", SALT_KNOWLEDGE, n)
}

/// The n-th webhook's id: `wh-1a2b3c4d-5e6f`.
pub(crate) fn webhook_id(n: u64) -> String {
    make_id("wh", SALT_WEBHOOK, n)
}

/// The n-th generated session id: `sess_` and 16 hex digits.
pub(crate) fn session_id(n: u64) -> String {
    let mut id = String::from("sess_");
    push_hex(&mut id, mix(SALT_SESSION ^ n), 16);
    id
}

/// The n-th webhook's secret: `whsec_` and 32 hex digits.
pub(crate) fn webhook_secret(n: u64) -> String {
    let mut secret = String::from("whsec_");
    push_hex(&mut secret, mix(SALT_SECRET ^ n), 16);
    push_hex(&mut secret, mix(SALT_SECRET ^ mix(n)), 16);
    secret
}

/// `TKT-00001`: the n-th support ticket's number (five digits at least).
pub(crate) fn ticket_number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::from("TKT-");
    for _ in digits.len()..5 {
        out.push('0');
    }
    out.push_str(&digits);
    out
}
