//! The child's side of isolation, and running in place under nextest.

use std::cell::Cell;
use std::ffi::OsString;
use std::future::Future;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{CHILD_ENV, INDEX_ENV, MARK};
use crate::outcome::{CatchUnwind, describe_test, human, panic_message, test_name};

thread_local! {
    /// How many `isolated` calls this test (libtest runs each on a fresh thread) has made.
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

pub(super) fn next_index() -> u32 {
    CALLS.with(|c| {
        let index = c.get();
        c.set(index + 1);
        index
    })
}

/// The test and call this process was started for, if it is an isolated child.
pub(super) fn selected() -> Option<(String, u32)> {
    let name = std::env::var(CHILD_ENV).ok()?;
    let index = std::env::var(INDEX_ENV).ok()?.parse().ok()?;
    Some((name, index))
}

pub(super) fn run_and_exit<F: FnOnce()>(body: F) -> ! {
    begin();
    let outcome = catch_unwind(AssertUnwindSafe(body));
    finish(outcome.map_err(|p| panic_message(&*p)))
}

pub(super) async fn run_and_exit_async<F: Future<Output = ()>>(body: F) {
    begin();
    let outcome = CatchUnwind::new(body).await;
    finish(outcome.map_err(|p| panic_message(&*p)))
}

fn begin() {
    let _ = write!(std::io::stdout().lock(), "\n{MARK}begin\n");
    let _ = std::io::stdout().flush();
    let _ = write!(std::io::stderr().lock(), "\n{MARK}begin\n");
}

/// Reports the outcome to the parent and ends the process, so that neither the rest of the
/// test nor libtest's own verdict runs a second time here.
fn finish(outcome: Result<(), String>) -> ! {
    let _ = std::io::stdout().flush();
    let _ = write!(std::io::stdout().lock(), "\n{MARK}end\n");
    let _ = std::io::stdout().flush();
    let verdict = match &outcome {
        Ok(()) => "ok".to_owned(),
        Err(message) => format!("panic:{}", escape(message)),
    };
    let _ = write!(std::io::stderr().lock(), "\n{MARK}end:{verdict}\n");
    std::process::exit(if outcome.is_ok() { 0 } else { 101 })
}

pub(super) fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

pub(super) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

type EnvList = [(OsString, Option<OsString>)];

/// Under nextest: the process holds only this test, so the body runs here; a time limit ends
/// the whole process, as killing an isolated child would.
pub(super) fn in_place<F: FnOnce()>(env: &EnvList, limit: Option<Duration>, body: F) {
    let _env = patch_env(env);
    let _watchdog = limit.map(Watchdog::start);
    body();
}

pub(super) async fn in_place_async<F: Future<Output = ()>>(
    env: &EnvList,
    limit: Option<Duration>,
    body: F,
) {
    let _env = patch_env(env);
    let _watchdog = limit.map(Watchdog::start);
    body.await;
}

fn patch_env(env: &EnvList) -> Option<crate::EnvGuard> {
    (!env.is_empty()).then(|| crate::env::patch_many(env.iter().map(|(k, v)| (k, v.as_ref()))))
}

/// Ends this process when the limit passes before the watchdog is dropped.
struct Watchdog {
    shared: Arc<(Mutex<bool>, Condvar)>,
}

impl Watchdog {
    fn start(limit: Duration) -> Watchdog {
        let shared = Arc::new((Mutex::new(false), Condvar::new()));
        let remote = Arc::clone(&shared);
        let what = describe_test(test_name().as_deref());
        let start = Instant::now();
        std::thread::Builder::new()
            .name("testrig-watchdog".to_owned())
            .spawn(move || {
                let (lock, cv) = &*remote;
                let mut done = lock.lock().unwrap_or_else(PoisonError::into_inner);
                while !*done {
                    let Some(left) = limit.checked_sub(start.elapsed()) else {
                        crate::core::report(format_args!(
                            "testrig: {what} timed out after {} (limit {}); ending its process \
                             (pid {}), which holds only this test under nextest.",
                            human(start.elapsed()),
                            human(limit),
                            std::process::id()
                        ));
                        std::process::exit(101);
                    };
                    done = cv
                        .wait_timeout(done, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            })
            .expect("testrig: cannot start the watchdog thread of a timeout");
        Watchdog { shared }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, cv) = &*self.shared;
        *lock.lock().unwrap_or_else(PoisonError::into_inner) = true;
        cv.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips_multi_line_messages() {
        for text in ["plain", "two\nlines", "back\\slash\\n", "cr\r\n", "", "\\"] {
            assert_eq!(unescape(&escape(text)), text);
            assert!(!escape(text).contains('\n'));
        }
    }
}
