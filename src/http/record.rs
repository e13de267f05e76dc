//! The request recorder every testrig server mounts on its wiremock server: a matcher that sees
//! every request first (and matches none), and a lowest-priority catch-all that notes the
//! requests no mock of the test matched.

use std::panic::Location;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::Waker;
use std::time::{Duration, Instant};

use wiremock::{Match, Mock, Request, Respond, ResponseTemplate};

use super::expect::{Count, Expectation};
use super::matching::{self, Traffic};

#[derive(Debug, Default)]
pub(crate) struct Recorder {
    state: Mutex<State>,
    arrived: Condvar,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) requests: Vec<Request>,
    pub(crate) unmatched: Vec<usize>,
    wakers: Vec<Waker>,
    /// How many requests the last report that listed them all showed, so that a failed test
    /// does not print the same list twice.
    listed: Option<usize>,
}

impl State {
    pub(crate) fn traffic<'a>(&'a self, uri: &'a str) -> Traffic<'a> {
        Traffic {
            uri,
            requests: &self.requests,
            unmatched: &self.unmatched,
        }
    }

    /// A report that lists every request so far was shown.
    pub(crate) fn mark_listed(&mut self) {
        self.listed = Some(self.requests.len());
    }

    /// Whether every request so far was listed by a report already.
    pub(crate) fn listed(&self) -> bool {
        self.listed == Some(self.requests.len())
    }

    /// Wakes `waker` at the next request. Registered under the same lock as the check that
    /// found too few requests, so a request arriving in between is never missed.
    pub(crate) fn wake_on_next_request(&mut self, waker: &Waker) {
        if !self.wakers.iter().any(|w| w.will_wake(waker)) {
            self.wakers.push(waker.clone());
        }
    }
}

impl Recorder {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // The lock is only held to push or copy plain data, so a poisoned state is still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn clear(&self) {
        let mut state = self.lock();
        state.requests.clear();
        state.unmatched.clear();
        state.listed = None;
    }

    /// The two mocks that feed this recorder, to mount before any mock of the test.
    pub(crate) fn mocks(self: &Arc<Self>) -> [Mock; 2] {
        let watch = Mock::given(Watch(self.clone()))
            .respond_with(ResponseTemplate::new(500))
            .with_priority(1)
            .named("testrig request recorder");
        let fallback = Mock::given(wiremock::matchers::any())
            .respond_with(Fallback(self.clone()))
            .with_priority(u8::MAX)
            .named("testrig unmatched-request catcher");
        [watch, fallback]
    }

    /// Blocks until `e` settles (see [`evaluate`]) or `timeout` passes.
    pub(crate) fn wait_blocking(
        &self,
        e: &Expectation,
        uri: &str,
        timeout: Duration,
    ) -> Result<(), String> {
        let deadline = crate::timeout::deadline_after(timeout);
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            match evaluate(e, &state.traffic(uri), now >= deadline, timeout, None) {
                Wait::Done => return Ok(()),
                Wait::Failed(report) => {
                    state.mark_listed();
                    return Err(report);
                }
                Wait::Pending => {}
            }
            state = self
                .arrived
                .wait_timeout(state, deadline.saturating_duration_since(now))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

pub(crate) enum Wait {
    Done,
    Pending,
    Failed(String),
}

/// Where waiting for `e` stands. `never()` waits out the whole timeout and fails at the first
/// match; any other count succeeds as soon as enough matching requests are in, and fails if
/// more than an exact count arrived by then.
pub(crate) fn evaluate(
    e: &Expectation,
    t: &Traffic<'_>,
    timed_out: bool,
    timeout: Duration,
    caller: Option<&Location<'_>>,
) -> Wait {
    let hits = matching::matching(e, t.requests);
    let settled = match e.count {
        Count::Exactly(0) => !hits.is_empty() || timed_out,
        count => hits.len() >= count.target() || timed_out,
    };
    if !settled {
        return Wait::Pending;
    }
    if e.count.accepts(hits.len()) {
        return Wait::Done;
    }
    let mut suffix = if hits.len() < e.count.target() {
        format!(" after waiting {timeout:?}")
    } else {
        String::new()
    };
    if let Some(caller) = caller {
        suffix.push_str(&format!(" (`wait_for` at {caller})"));
    }
    Wait::Failed(matching::count_report(e, t, &hits, &suffix))
}

struct Watch(Arc<Recorder>);

impl Match for Watch {
    fn matches(&self, request: &Request) -> bool {
        let wakers = {
            let mut state = self.0.lock();
            state.requests.push(request.clone());
            std::mem::take(&mut state.wakers)
        };
        self.0.arrived.notify_all();
        for waker in wakers {
            waker.wake();
        }
        false
    }
}

struct Fallback(Arc<Recorder>);

impl Respond for Fallback {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        {
            // wiremock handles one request at a time per server, and `Watch` saw this one
            // just before, so it is the last one recorded.
            let mut state = self.0.lock();
            if let Some(last) = state.requests.len().checked_sub(1) {
                state.unmatched.push(last);
            }
        }
        // JSON, because most clients under test parse JSON: their error then names the
        // request instead of complaining about a body that is not JSON.
        ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "testrig": "no mock matched",
            "request": matching::request_line(request),
        }))
    }
}
