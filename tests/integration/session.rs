//! Session fixtures: built once per binary on first use, shared, dropped at process exit.

use std::sync::atomic::{AtomicU32, Ordering};

use testrig::prelude::*;

static BUILDS: AtomicU32 = AtomicU32::new(0);

pub(crate) struct Corpus {
    words: Vec<&'static str>,
}

impl Drop for Corpus {
    fn drop(&mut self) {
        // Seen by `session_value_is_dropped_at_process_exit`, which runs this binary again.
        if let Some(path) = std::env::var_os("TESTRIG_IT_SESSION_PROBE") {
            std::fs::write(path, "corpus dropped").unwrap();
        }
    }
}

#[fixture(scope = "session")]
fn corpus() -> Corpus {
    BUILDS.fetch_add(1, Ordering::SeqCst);
    Corpus {
        words: vec!["alpha", "beta"],
    }
}

#[fixture]
fn first_word(corpus: &Corpus) -> &'static str {
    corpus.words[0]
}

/// The address of the first `&Corpus` any test saw: every test sees the same instance.
fn same_instance(corpus: &Corpus) -> usize {
    static FIRST: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *FIRST.get_or_init(|| corpus as *const Corpus as usize)
}

#[testrig::test]
fn session_fixture_is_built_once_a(corpus: &Corpus) {
    assert_eq!(same_instance(corpus), corpus as *const Corpus as usize);
    assert_eq!(corpus.words.len(), 2);
    assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
}

#[testrig::test]
fn session_fixture_is_built_once_b(corpus: &Corpus, first_word: &str) {
    assert_eq!(first_word, "alpha");
    assert_eq!(same_instance(corpus), corpus as *const Corpus as usize);
    assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
}

#[test]
#[fixture_use(corpus)]
fn session_fixture_via_fixture_use() {
    assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
}

#[cfg(feature = "tempfile")]
#[test]
fn session_value_is_dropped_at_process_exit() {
    if std::env::var_os("TESTRIG_IT_SESSION_PROBE").is_some() {
        return; // the child run below
    }
    let dir = testrig::fs::tmp_dir();
    let probe = dir.join("probe");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "session::session_fixture_is_built_once_a",
            "--test-threads=1",
        ])
        .env("TESTRIG_IT_SESSION_PROBE", &probe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&probe).unwrap_or_default(),
        "corpus dropped",
        "the session value is dropped when the test binary exits"
    );
}
