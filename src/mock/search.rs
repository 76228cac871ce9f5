//! Retrieval for the sandbox's chat answers: knowledge entries are split into chunks, indexed in an
//! inverted index, and ranked against the visitor's question with Okapi BM25.
//!
//! - Tokens: maximal runs of alphanumeric characters (ASCII and Unicode), lower-cased; English stop
//!   words dropped; simple plural stripping (`policies` -> `policy`, `hours` -> `hour`).
//! - Chunks: paragraphs packed up to [`CHUNK_CHARS`] characters; a longer paragraph is cut at sentence
//!   ends, a longer sentence at spaces. The entry's title is indexed with each of its chunks.
//! - Scores: BM25 with k1 = 1.2, b = 0.75 and the non-negative idf `ln(1 + (N - df + 0.5) / (df + 0.5))`.
//!   Ties go to the earlier chunk (entry order, then position in the entry), so answers are deterministic.
//!
//! Term statistics live in the index (postings with term frequencies, chunk lengths, the total
//! length), so a question costs one pass over the postings of its own terms.

use std::collections::HashMap;

/// The target size of one chunk, in characters.
pub(crate) const CHUNK_CHARS: usize = 500;

const K1: f64 = 1.2;
const B: f64 = 0.75;

const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "before", "being", "both", "but", "by", "can", "could", "d", "did", "do", "does", "doing", "don", "during",
    "each", "else", "for", "from", "get", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "just", "ll", "m", "may", "me", "might", "must", "my", "of",
    "off", "on", "once", "only", "or", "other", "our", "ours", "out", "own", "please", "re", "s", "same", "shall",
    "she", "should", "so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "until", "us", "ve", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
];

fn is_stop_word(token: &str) -> bool {
    STOP_WORDS.binary_search(&token).is_ok()
}

/// Simple English plural stripping, applied to tokens longer than three characters.
fn strip_plural(token: &mut String) {
    let len = token.len();
    // The suffixes tested are ASCII, so every cut below falls on a character boundary.
    if token.chars().count() <= 3 {
        return;
    }
    if token.ends_with("ies") && len > 4 {
        token.truncate(len - 3);
        token.push('y');
    } else if token.ends_with("sses") || token.ends_with("ches") || token.ends_with("shes") || token.ends_with("xes") {
        token.truncate(len - 2);
    } else if token.ends_with('s') && !token.ends_with("ss") && !token.ends_with("us") && !token.ends_with("is") {
        token.truncate(len - 1);
    }
}

/// Calls `each` with every index term of `text`, in order (repeats included).
pub(crate) fn for_each_term(text: &str, mut each: impl FnMut(&str)) {
    let mut token = String::new();
    let mut flush = |token: &mut String| {
        if !token.is_empty() {
            if !is_stop_word(token) {
                strip_plural(token);
                each(token);
            }
            token.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                token.push(c.to_ascii_lowercase());
            } else {
                token.extend(c.to_lowercase());
            }
        } else {
            flush(&mut token);
        }
    }
    flush(&mut token);
}

/// The index terms of `text`, in order.
#[cfg(test)]
pub(crate) fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_owned()));
    out
}

/// Splits an entry's text into chunks of about [`CHUNK_CHARS`] characters: paragraphs (separated by
/// blank lines) are packed together while they fit; a longer paragraph is cut at sentence ends, and
/// a longer sentence at spaces (or anywhere, for a single huge word). Never returns an empty chunk.
pub(crate) fn chunk_text(text: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    for paragraph in paragraphs(text) {
        if char_len(&paragraph) <= CHUNK_CHARS {
            pieces.push(paragraph);
        } else {
            for sentence in sentences(&paragraph) {
                if char_len(sentence) <= CHUNK_CHARS {
                    pieces.push(sentence.to_owned());
                } else {
                    split_words(sentence, &mut pieces);
                }
            }
        }
    }
    // Pack consecutive pieces while they fit, so a short heading stays with its text.
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for piece in pieces {
        let len = char_len(&piece);
        if !current.is_empty() && current_len + 2 + len > CHUNK_CHARS {
            chunks.push(std::mem::take(&mut current));
            current_len = 0;
        }
        if !current.is_empty() {
            current.push_str("\n\n");
            current_len += 2;
        }
        current.push_str(&piece);
        current_len += len;
    }
    if !current.trim().is_empty() {
        chunks.push(current);
    }
    chunks
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Paragraphs: runs of non-blank lines, trimmed, line ends normalised to `\n`.
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r').trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Sentences: cut after `.`, `!` or `?` followed by whitespace; trimmed, never empty.
fn sentences(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_end = false;
    for (i, c) in paragraph.char_indices() {
        if prev_end && c.is_whitespace() {
            let s = paragraph.get(start..i).unwrap_or("").trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i;
        }
        prev_end = matches!(c, '.' | '!' | '?');
    }
    let s = paragraph.get(start..).unwrap_or("").trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// Cuts an over-long sentence at spaces into pieces of at most [`CHUNK_CHARS`] characters.
fn split_words(sentence: &str, out: &mut Vec<String>) {
    let mut current = String::new();
    let mut current_len = 0;
    for word in sentence.split_whitespace() {
        let mut word = word;
        let mut len = char_len(word);
        if !current.is_empty() && current_len + 1 + len > CHUNK_CHARS {
            out.push(std::mem::take(&mut current));
            current_len = 0;
        }
        // A single word longer than a chunk: cut it at character boundaries.
        while len > CHUNK_CHARS {
            let cut = word.char_indices().nth(CHUNK_CHARS).map_or(word.len(), |(i, _)| i);
            out.push(word.get(..cut).unwrap_or("").to_owned());
            word = word.get(cut..).unwrap_or("");
            len -= CHUNK_CHARS;
        }
        if word.is_empty() {
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
            current_len += 1;
        }
        current.push_str(word);
        current_len += len;
    }
    if !current.is_empty() {
        out.push(current);
    }
}

#[derive(Debug, Clone, Copy)]
struct Posting {
    slot: u32,
    tf: u32,
}

#[derive(Debug)]
struct IndexedChunk {
    text: String,
    /// Number of index terms (title + text), BM25's document length.
    len: u32,
    /// The distinct terms, to remove the chunk's postings on delete.
    terms: Vec<String>,
}

/// An inverted index over the chunks of one website's knowledge base. Slots are handed out in
/// insertion order and never reused, so a lower slot is an earlier entry: the tie-break order.
#[derive(Debug, Default)]
pub(crate) struct Index {
    chunks: Vec<Option<IndexedChunk>>,
    postings: HashMap<String, Vec<Posting>>,
    live: u32,
    total_len: u64,
    // Scratch space reused across queries (scores by slot, and the slots touched).
    scores: Vec<f64>,
    touched: Vec<u32>,
    query_terms: Vec<String>,
}

impl Index {
    /// Indexes one chunk, with the title of its entry; returns its slot.
    pub(crate) fn add(&mut self, title: &str, text: String) -> u32 {
        let slot = u32::try_from(self.chunks.len()).unwrap_or(u32::MAX);
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut len: u32 = 0;
        let mut count = |t: &str| {
            len = len.saturating_add(1);
            match counts.get_mut(t) {
                Some(n) => *n += 1,
                None => {
                    counts.insert(t.to_owned(), 1);
                }
            }
        };
        for_each_term(title, &mut count);
        for_each_term(&text, &mut count);
        let mut distinct = Vec::with_capacity(counts.len());
        for (term, tf) in counts {
            self.postings
                .entry(term.clone())
                .or_default()
                .push(Posting { slot, tf });
            distinct.push(term);
        }
        self.chunks.push(Some(IndexedChunk {
            text,
            len,
            terms: distinct,
        }));
        self.live += 1;
        self.total_len += u64::from(len);
        slot
    }

    /// Removes a chunk from the index (its slot stays empty).
    pub(crate) fn remove(&mut self, slot: u32) {
        let Some(chunk) = self.chunks.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        for term in &chunk.terms {
            if let Some(list) = self.postings.get_mut(term) {
                list.retain(|p| p.slot != slot);
                if list.is_empty() {
                    self.postings.remove(term);
                }
            }
        }
        self.live = self.live.saturating_sub(1);
        self.total_len = self.total_len.saturating_sub(u64::from(chunk.len));
    }

    /// The text of the chunk in `slot`, if it is live.
    pub(crate) fn text(&self, slot: u32) -> Option<&str> {
        self.chunks.get(slot as usize)?.as_ref().map(|c| c.text.as_str())
    }

    /// The best chunk for `query` and its BM25 score, or `None` when no term of the query occurs
    /// in any chunk (score 0). Ties go to the lowest slot.
    pub(crate) fn best(&mut self, query: &str) -> Option<(u32, f64)> {
        if self.live == 0 {
            return None;
        }
        let mut query_terms = std::mem::take(&mut self.query_terms);
        query_terms.clear();
        for_each_term(query, |t| {
            if !query_terms.iter().any(|q| q == t) {
                query_terms.push(t.to_owned());
            }
        });
        if self.scores.len() < self.chunks.len() {
            self.scores.resize(self.chunks.len(), 0.0);
        }
        let n = f64::from(self.live);
        let avgdl = (self.total_len as f64 / n).max(1.0);
        for term in &query_terms {
            let Some(list) = self.postings.get(term) else { continue };
            let df = list.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for p in list {
                let Some(Some(chunk)) = self.chunks.get(p.slot as usize) else {
                    continue;
                };
                let Some(score) = self.scores.get_mut(p.slot as usize) else {
                    continue;
                };
                let tf = f64::from(p.tf);
                let norm = K1 * (1.0 - B + B * f64::from(chunk.len) / avgdl);
                if *score == 0.0 {
                    self.touched.push(p.slot);
                }
                *score += idf * tf * (K1 + 1.0) / (tf + norm);
            }
        }
        let mut best: Option<(u32, f64)> = None;
        for &slot in &self.touched {
            let Some(score) = self.scores.get_mut(slot as usize) else {
                continue;
            };
            let s = std::mem::replace(score, 0.0);
            best = match best {
                Some((b_slot, b_score)) if b_score > s || (b_score == s && b_slot < slot) => Some((b_slot, b_score)),
                _ if s > 0.0 => Some((slot, s)),
                other => other,
            };
        }
        self.touched.clear();
        self.query_terms = query_terms;
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn tokenises_lowercases_strips_plurals_and_stop_words() {
        assert_eq!(terms("What are your business HOURS?"), ["business", "hour"]);
        assert_eq!(
            terms("Policies, boxes & glasses; status"),
            ["policy", "box", "glass", "status"]
        );
        assert_eq!(
            terms("Café-Öffnungszeiten: 9–17 Uhr"),
            ["café", "öffnungszeiten", "9", "17", "uhr"]
        );
        assert_eq!(terms("don't"), Vec::<String>::new());
        assert_eq!(terms("日本語 テキスト"), ["日本語", "テキスト"]);
        assert_eq!(terms(""), Vec::<String>::new());
    }

    #[test]
    fn chunks_pack_paragraphs_and_cut_long_ones() {
        assert_eq!(
            chunk_text("Heading\n\nShort body text.\r\n"),
            ["Heading\n\nShort body text."]
        );
        assert!(chunk_text(" \n\n \t").is_empty());

        // 3 paragraphs of 300 characters: each over half a chunk, so one chunk each.
        let p = "x".repeat(299) + ".";
        let text = format!("{p}\n\n{p}\n\n{p}");
        let chunks = chunk_text(&text);
        assert_eq!(chunks.len(), 3);

        // A 1,200-character paragraph of 12 sentences of 100 characters -> 3 chunks of 4 sentences.
        let sentence = "y".repeat(99) + ".";
        let long = vec![sentence.clone(); 12].join(" ");
        let chunks = chunk_text(&long);
        assert_eq!(chunks.len(), 3, "{chunks:?}");
        for c in &chunks {
            assert!(c.chars().count() <= CHUNK_CHARS);
        }

        // One 1,100-character word: cut into 500 + 500 + 100.
        let word = "é".repeat(1_100);
        let chunks = chunk_text(&word);
        let lens: Vec<usize> = chunks.iter().map(|c| c.chars().count()).collect();
        assert_eq!(lens, [500, 500, 100]);
    }

    fn corpus() -> Index {
        let mut index = Index::default();
        // slot 0
        index.add("Business Hours", "We are open Monday to Friday, 9 AM to 5 PM.".into());
        // slot 1
        index.add(
            "Return Policy",
            "Items can be returned within 30 days for a full refund.".into(),
        );
        // slot 2
        index.add("Shipping", "We ship worldwide. Shipping takes 5 business days.".into());
        index
    }

    #[test]
    fn bm25_picks_the_grounded_chunk() {
        let mut index = corpus();
        // "refund" occurs only in slot 1.
        assert_eq!(index.best("Can I get a refund?").map(|b| b.0), Some(1));
        // "hours" -> "hour": only slot 0 (title). "business" is in slots 0 and 2, and "hour" tips it.
        assert_eq!(index.best("What are your business hours?").map(|b| b.0), Some(0));
        // "shipping" twice in slot 2 (title + text) + "ship": slot 2.
        assert_eq!(index.best("how long does shipping take").map(|b| b.0), Some(2));
        // Nothing matches: no answer, not a zero-score pick.
        assert_eq!(index.best("quantum chromodynamics"), None);
        assert_eq!(index.best("the of and"), None);
    }

    #[test]
    fn bm25_matches_a_hand_computation() {
        // Terms per slot (stop words "we", "are", "to", "am", "can", "be", "for", "a" dropped):
        //   0: business hour open monday friday 9 5 pm                        -> len 8
        //   1: return policy item returned within 30 day full refund          -> len 9
        //   2: shipping ship worldwide shipping take 5 business day           -> len 8
        // N = 3, avgdl = 25 / 3.
        // "business": df 2, idf = ln(1 + 1.5 / 2.5); slots 0 and 2 both tf 1, len 8: a tie, the
        // earlier entry (slot 0) wins. Expected score computed with Python:
        //   math.log(1.6) * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 8 / (25 / 3))) = 0.47782254359547993
        let mut index = corpus();
        let (slot, score) = index.best("business").unwrap();
        assert_eq!(slot, 0);
        assert!((score - 0.477_822_543_595_479_93).abs() < 1e-12, "{score}");
        // "day": slots 1 (len 9) and 2 (len 8), tf 1 each: the shorter chunk wins despite coming later.
        assert_eq!(index.best("days").map(|b| b.0), Some(2));
        // "5 business": slot 0 has business + 5 (len 8), slot 2 the same (len 8): tie -> slot 0.
        assert_eq!(index.best("5 business").map(|b| b.0), Some(0));
        // "shipping business": slot 2 (tf 2 for shipping) beats slot 0.
        assert_eq!(index.best("shipping business").map(|b| b.0), Some(2));
    }

    #[test]
    fn ties_go_to_the_earlier_entry_and_removal_updates_stats() {
        let mut index = Index::default();
        let a = index.add("Alpha", "Same words here.".into());
        let b = index.add("Alpha", "Same words here.".into());
        assert_eq!(index.best("alpha words").map(|x| x.0), Some(a));
        index.remove(a);
        assert_eq!(index.best("alpha words").map(|x| x.0), Some(b));
        assert_eq!(index.text(a), None);
        index.remove(b);
        assert_eq!(index.best("alpha"), None);
        assert!(index.postings.is_empty());
        assert_eq!(index.total_len, 0);
    }
}
