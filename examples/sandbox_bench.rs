//! Throughput of the sandbox's chat answers over 1,000 knowledge entries (about 80 words each), natively:
//! `cargo run --release --example sandbox_bench` (part of `make bench`).

use asyntai_edge::mock::{Limits, Mock, MockOptions};

const NOW: f64 = 1_795_000_000_000.0;

/// A fixed pseudo-random sequence (splitmix64), so every run ranks the same corpus.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn main() {
    let mut m = Mock::new(MockOptions {
        limits: Some(Limits { messages_per_month: u64::MAX, upload_chars_per_day: u64::MAX, spreadsheet_rows: 500 }),
        ..MockOptions::default()
    });
    let auth = vec![("authorization".to_owned(), "Bearer test_key".to_owned())];
    let vocab: Vec<String> = (0..5_000u64).map(|i| format!("w{:x}", mix(i) & 0xfffff)).collect();
    let mut state = 1u64;
    let mut pick = || {
        state = mix(state);
        vocab[(state % vocab.len() as u64) as usize].clone()
    };
    for e in 0..1_000 {
        let words: Vec<String> = (0..80).map(|_| pick()).collect();
        let body = format!(r#"{{"title":"Entry {e}","content":"{}."}}"#, words.join(" "));
        let r = m.handle("POST", "/knowledge/text/", &auth, body.as_bytes(), NOW);
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let questions: Vec<String> =
        (0..1_000).map(|_| format!("what about {} and {} or {}?", pick(), pick(), pick())).collect();
    let n = 20_000;
    let start = std::time::Instant::now();
    let mut grounded = 0;
    for i in 0..n {
        let body = format!(r#"{{"message":"{}","session_id":"s{}"}}"#, questions[i % questions.len()], i % 100);
        let r = m.handle("POST", "/chat/", &auth, body.as_bytes(), NOW);
        assert_eq!(r.status, 200, "{}", r.body);
        grounded += usize::from(!r.body.contains("I'm sorry"));
    }
    let secs = start.elapsed().as_secs_f64();
    println!("sandbox (native): {n} chat answers over 1,000 entries in {secs:.3} s: {:.0} answers/s ({grounded} grounded)", n as f64 / secs);
}
