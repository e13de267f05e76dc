//! A per-test event log: fixtures record set-up and teardown, tests assert the order.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use testrig::context::TestContext;

static LOG: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn key() -> String {
    TestContext::current()
        .map(|c| c.name().to_owned())
        .unwrap_or_else(|| std::thread::current().name().unwrap_or("?").to_owned())
}

/// Records `event` for the running test.
pub(crate) fn record(event: impl Into<String>) {
    LOG.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((key(), event.into()));
}

/// Records under an explicit test name (for code that runs after the context is gone).
pub(crate) fn record_for(test: &str, event: impl Into<String>) {
    LOG.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push((test.to_owned(), event.into()));
}

/// Everything recorded for tests whose name ends with `suffix`, in order.
pub(crate) fn events(suffix: &str) -> Vec<String> {
    LOG.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|(t, _)| t.ends_with(suffix))
        .map(|(_, e)| e.clone())
        .collect()
}

#[allow(dead_code)]
pub(crate) fn by_test() -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (t, e) in LOG.lock().unwrap_or_else(PoisonError::into_inner).iter() {
        out.entry(t.clone()).or_default().push(e.clone());
    }
    out
}

/// A value that records its teardown.
pub(crate) struct Tracked(pub(crate) &'static str, pub(crate) String);

impl Tracked {
    pub(crate) fn new(name: &'static str) -> Self {
        record(format!("setup {name}"));
        Tracked(name, key())
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        record_for(&self.1, format!("teardown {}", self.0));
    }
}
