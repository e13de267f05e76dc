//! What a server says about itself when things go wrong: where it was started, the
//! strict-mode failure, and the traffic it received, shown when its test fails for any reason.

use std::fmt;
use std::fmt::Write as _;
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::matching::{self, Traffic};
use super::record::Recorder;
use crate::context::{AtTestEnd, TestContext};

/// Where a server comes from, in the user's code.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Origin {
    /// `start()` called at `at`, inside the set-up of fixture `fixture` if any.
    Started {
        at: &'static Location<'static>,
        fixture: Option<&'static str>,
    },
    /// A built-in fixture, asked for by the parameter at `param`, if a parameter did.
    Fixture {
        name: &'static str,
        param: Option<&'static Location<'static>>,
    },
}

impl Origin {
    /// The line that called `start`; inside a fixture's set-up, that fixture too.
    #[track_caller]
    pub(crate) fn caller() -> Self {
        Origin::Started {
            at: Location::caller(),
            fixture: crate::fixture::building().map(|(name, _)| name),
        }
    }

    /// A built-in fixture: the parameter (of the test or of another fixture) that asked for it.
    pub(crate) fn fixture(name: &'static str) -> Self {
        Origin::Fixture {
            name,
            param: crate::fixture::building().and_then(|(_, at)| at),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Origin::Started { at, fixture: None } => write!(f, "started at {at}"),
            Origin::Started {
                at,
                fixture: Some(name),
            } => write!(f, "started at {at}, in fixture `{name}`"),
            Origin::Fixture {
                name,
                param: Some(at),
            } => write!(f, "fixture `{name}`, parameter at {at}"),
            // `#[fixture_use]`, autouse, or the fixture function called directly.
            Origin::Fixture { name, param: None } => write!(f, "fixture `{name}`"),
        }
    }
}

/// A server's recorder and identity, shared between the server and the end of its test, which
/// outlives the server when the test dropped it early.
#[derive(Debug)]
pub(crate) struct Server {
    pub(crate) recorder: Arc<Recorder>,
    pub(crate) uri: String,
    pub(crate) origin: Origin,
    strict: AtomicBool,
}

impl Server {
    pub(crate) fn new(recorder: Arc<Recorder>, uri: String, origin: Origin, strict: bool) -> Self {
        Server {
            recorder,
            uri,
            origin,
            strict: AtomicBool::new(strict),
        }
    }

    pub(crate) fn strict(&self) -> bool {
        self.strict.load(Ordering::Relaxed)
    }

    pub(crate) fn set_lenient(&self) {
        self.strict.store(false, Ordering::Relaxed);
    }

    /// The strict-mode failure: the requests no mock matched, then all of them. `test` names
    /// the test it fails.
    pub(crate) fn unmatched_report(&self, test: Option<&str>) -> Option<String> {
        let mut state = self.recorder.lock();
        if state.unmatched.is_empty() {
            return None;
        }
        let mut out = String::from("testrig::http: ");
        if let Some(test) = test {
            let _ = write!(out, "test `{test}` failed: ");
        }
        let _ = writeln!(
            out,
            "the server at {} ({}) received {} that matched no mounted mock (answered with 404):",
            self.uri,
            self.origin,
            match state.unmatched.len() {
                1 => "1 request".to_owned(),
                n => format!("{n} requests"),
            }
        );
        for &i in &state.unmatched {
            let _ = writeln!(
                out,
                "  #{} {}",
                i + 1,
                matching::request_line(&state.requests[i])
            );
        }
        out.push_str(
            "mount a mock for them, or make the server lenient \
             (`MockServer::builder().lenient()` or `.lenient()` on the server)\n",
        );
        let traffic = Traffic {
            uri: &self.uri,
            requests: &state.requests,
            unmatched: &state.unmatched,
        };
        matching::list_requests(&mut out, &traffic);
        state.mark_listed();
        Some(out)
    }

    /// Every request the server received, for the output of a failed test; `None` when a
    /// report of the server already listed them all.
    pub(crate) fn traffic_note(&self) -> Option<String> {
        let mut state = self.recorder.lock();
        if state.listed() {
            return None;
        }
        let mut out = format!(
            "testrig::http: the test failed; what the server at {} ({}) received:\n",
            self.uri, self.origin
        );
        let traffic = Traffic {
            uri: &self.uri,
            requests: &state.requests,
            unmatched: &state.unmatched,
        };
        matching::list_requests(&mut out, &traffic);
        match state.unmatched.len() {
            0 if state.requests.is_empty() => {}
            0 => out.push_str("every request matched a mock\n"),
            n => {
                let list: Vec<String> = state
                    .unmatched
                    .iter()
                    .map(|&i| format!("#{} {}", i + 1, matching::request_line(&state.requests[i])))
                    .collect();
                let _ = writeln!(
                    out,
                    "{} matched no mock (answered 404): {}",
                    if n == 1 {
                        "1 request".to_owned()
                    } else {
                        format!("{n} requests")
                    },
                    list.join(", ")
                );
            }
        }
        state.mark_listed();
        Some(out)
    }
}

impl AtTestEnd for Server {
    fn failure(&self, ctx: &TestContext) -> Option<String> {
        if !self.strict() {
            return None;
        }
        self.unmatched_report(Some(ctx.name()))
    }

    fn on_failure(&self) -> Option<String> {
        self.traffic_note()
    }
}
