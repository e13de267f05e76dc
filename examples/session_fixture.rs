//! A word index that is slow to build: the tests share one, built on first use by a session
//! fixture and dropped when the test binary exits.
//!
//! Run `cargo test --example session_fixture` and the teardown shows at the end, after the
//! test summary (the index is dropped at process exit, under `cargo test` and nextest alike):
//!
//! ```text
//! running 3 tests
//! ...
//! test result: ok. 3 passed; 0 failed; ...
//!
//! session_fixture: dropping the word index (built 1 time, 3 lookups)
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

static BUILT: AtomicUsize = AtomicUsize::new(0);

/// Words of a text with their positions.
pub struct WordIndex {
    positions: HashMap<String, Vec<usize>>,
    uses: AtomicUsize,
}

impl WordIndex {
    /// Indexes `text` (the slow part, in a real program).
    pub fn build(text: &str) -> WordIndex {
        BUILT.fetch_add(1, Ordering::SeqCst);
        let mut positions: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, word) in text.split_whitespace().enumerate() {
            positions.entry(word.to_lowercase()).or_default().push(i);
        }
        WordIndex {
            positions,
            uses: AtomicUsize::new(0),
        }
    }

    /// Positions of `word`, case-insensitively.
    pub fn find(&self, word: &str) -> &[usize] {
        self.uses.fetch_add(1, Ordering::Relaxed);
        self.positions
            .get(&word.to_lowercase())
            .map_or(&[], Vec::as_slice)
    }
}

impl Drop for WordIndex {
    fn drop(&mut self) {
        eprintln!(
            "session_fixture: dropping the word index (built {} time, {} lookups)",
            BUILT.load(Ordering::SeqCst),
            self.uses.load(Ordering::Relaxed)
        );
    }
}

const TEXT: &str = "the quick brown fox jumps over the lazy dog";

fn main() {
    let index = WordIndex::build(TEXT);
    for word in ["the", "fox", "cat"] {
        println!("{word}: {:?}", index.find(word));
    }
}

#[cfg(test)]
mod tests {
    use testrig::prelude::*;

    use super::*;

    #[fixture(scope = "session")]
    fn index() -> WordIndex {
        WordIndex::build(TEXT)
    }

    #[testrig::test]
    fn finds_every_position(index: &WordIndex) {
        assert_eq!(index.find("the"), [0, 6]);
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
    }

    #[testrig::test]
    fn is_case_insensitive(index: &WordIndex) {
        assert_eq!(index.find("FOX"), [3]);
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
    }

    #[testrig::test]
    fn misses_are_empty(index: &WordIndex) {
        assert!(index.find("cat").is_empty());
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
    }
}
