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
    timer: Option<Timer>,
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
            deadline: crate::timeout::deadline_after(timeout),
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
                &state.traffic(&this.uri),
                now >= this.deadline,
                this.timeout,
                Some(this.caller),
            );
            match outcome {
                Wait::Done => return Poll::Ready(()),
                Wait::Failed(report) => {
                    state.mark_listed();
                    drop(state);
                    panic!("{report}");
                }
                Wait::Pending => state.wake_on_next_request(cx.waker()),
            }
        }
        // A thread of its own wakes the task at the deadline, so waiting works on any
        // executor and needs no timer driver. It ends early when the wait is dropped.
        match &this.timer {
            Some(timer) => {
                *timer.waker.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(cx.waker().clone());
            }
            None => {
                let waker = Arc::new(Mutex::new(Some(cx.waker().clone())));
                let deadline = this.deadline;
                let theirs = waker.clone();
                let thread = std::thread::Builder::new()
                    .name("testrig-http-wait".into())
                    .spawn(move || {
                        loop {
                            let now = Instant::now();
                            let mut slot = theirs.lock().unwrap_or_else(PoisonError::into_inner);
                            if slot.is_none() {
                                return; // the wait is over
                            }
                            if now >= deadline {
                                if let Some(waker) = slot.take() {
                                    waker.wake();
                                }
                                return;
                            }
                            drop(slot);
                            std::thread::park_timeout(deadline - now);
                        }
                    })
                    .expect("testrig::http: cannot start the wait timer thread");
                this.timer = Some(Timer {
                    waker,
                    thread: thread.thread().clone(),
                });
            }
        }
        Poll::Pending
    }
}

struct Timer {
    waker: Arc<Mutex<Option<Waker>>>,
    thread: std::thread::Thread,
}

impl Drop for WaitFor {
    fn drop(&mut self) {
        // An empty slot tells the timer thread to end now instead of at the deadline.
        if let Some(timer) = &self.timer {
            timer
                .waker
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            timer.thread.unpark();
        }
    }
}
