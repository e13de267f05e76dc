//! How the `isolated`, `timeout = "..."` and `serial = "..."` options of a test combine. Test
//! macro output calls these through `__private`; the logic lives here, where it is testable.
//!
//! Order: the parent of an isolated test only starts the child and enforces the limit on it;
//! everything else happens where the body runs. There, serial keys are taken first (waiting
//! for a key is bounded by the lock timeout, not by the test's limit), then the body runs
//! under the limit.

use std::future::Future;
use std::time::Duration;

use crate::isolate::Isolation;

/// The options written on one test.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Run in a child process of its own (`isolated`).
    pub isolated: bool,
    /// Time limit as written (`timeout = "5s"`); `TESTRIG_TIMEOUT` when absent.
    pub timeout: Option<&'static str>,
    /// Serial keys (`serial = "db"`), taken in this order.
    pub serial: &'static [&'static str],
}

impl RunOptions {
    #[track_caller]
    fn limit(&self) -> Option<Duration> {
        match self.timeout {
            Some(text) => Some(crate::timeout::parse_duration(text).unwrap_or_else(|| {
                panic!(
                    "testrig: `timeout = \"{text}\"` is not a duration; write it like `\"30s\"`, \
                     `\"500ms\"` or `\"2m\"`"
                )
            })),
            None => crate::timeout::default_limit(),
        }
    }

    #[track_caller]
    fn take_keys(&self) -> Vec<crate::SerialGuard> {
        self.serial
            .iter()
            .map(|key| crate::lock::serial(*key))
            .collect()
    }
}

/// Runs a sync test body with its options.
#[track_caller]
pub fn run_with_options(options: RunOptions, body: impl FnOnce() + Send + 'static) {
    let limit = options.limit();
    if options.isolated {
        let mut isolation = Isolation::new();
        if let Some(limit) = limit {
            isolation = isolation.timeout(limit);
        }
        isolation.run(move || {
            let _keys = options.take_keys();
            body();
        });
        return;
    }
    let _keys = options.take_keys();
    match limit {
        Some(limit) => crate::timeout::run_with_timeout(limit, body),
        None => body(),
    }
}

/// Runs an async test body with its options.
#[track_caller]
pub fn run_with_options_async<F: Future<Output = ()>>(
    options: RunOptions,
    body: F,
) -> impl Future<Output = ()> {
    let limit = options.limit();
    let isolation = options.isolated.then(|| match limit {
        Some(limit) => Isolation::new().timeout(limit),
        None => Isolation::new(),
    });
    async move {
        if let Some(isolation) = isolation {
            isolation
                .run_async(async move {
                    let _keys = options.take_keys();
                    body.await;
                })
                .await;
            return;
        }
        let _keys = options.take_keys();
        match limit {
            Some(limit) => crate::timeout::with_timeout(limit, body).await,
            None => body.await,
        }
    }
}
