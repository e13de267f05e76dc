//! The future behind `MockServer::wait_for`.

use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use super::expect::Expectation;
use super::record::{self, Recorder, Wait};

/// The future returned by [`MockServer::wait_for`](super::MockServer::wait_for).
#[must_use = "nothing is waited for until this is `.await`ed"]
pub struct WaitFor {
    recorder: Arc<Recorder>,
    uri: String,
    expectation: Expectation,
    timeout: Duration,
    deadline: Instant,
    caller: &'static Location<'static>,
    timer: Option<Arc<Mutex<Option<Waker>>>>,
}

impl WaitFor {
    pub(crate) fn new(
        recorder: Arc<Recorder>,
        uri: String,
        expectation: Expectation,
        timeout: Duration,
        caller: &'static Location<'static>,
    ) -> Self {
        WaitFor {
            recorder,
            uri,
            expectation,
            timeout,
            deadline: Instant::now() + timeout,
            caller,
            timer: None,
        }
    }
}

impl std::fmt::Debug for WaitFor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitFor")
            .field("expectation", &self.expectation)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Future for WaitFor {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let now = Instant::now();
        {
            let mut state = this.recorder.lock();
            let outcome = record::evaluate(
                &this.expectation,
                &this.uri,
                &state.requests,
                now >= this.deadline,
                this.timeout,
                Some(this.caller),
            );
            match outcome {
                Wait::Done => return Poll::Ready(()),
                Wait::Failed(report) => {
                    drop(state);
                    panic!("{report}");
                }
                Wait::Pending => this.recorder.register_waker(&mut state, cx.waker()),
            }
        }
        // A thread of its own wakes the task at the deadline, so waiting works on any
        // executor and needs no timer driver.
        match &this.timer {
            Some(slot) => {
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(cx.waker().clone());
            }
            None => {
                let slot = Arc::new(Mutex::new(Some(cx.waker().clone())));
                let deadline = this.deadline;
                let theirs = slot.clone();
                std::thread::Builder::new()
                    .name("testrig-http-wait".into())
                    .spawn(move || {
                        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                        let waker = theirs.lock().unwrap_or_else(PoisonError::into_inner).take();
                        if let Some(waker) = waker {
                            waker.wake();
                        }
                    })
                    .expect("testrig::http: cannot start the wait timer thread");
                this.timer = Some(slot);
            }
        }
        Poll::Pending
    }
}

impl Drop for WaitFor {
    fn drop(&mut self) {
        // The timer thread then finds no waker and ends without waking a finished task.
        if let Some(slot) = &self.timer {
            slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        }
    }
}
