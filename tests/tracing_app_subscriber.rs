//! The application sets its own global subscriber with testrig's layer beside its own layer:
//! its layers (a counting one, and fmt with the test writer) keep seeing every event, and
//! captures work.
#![cfg(feature = "tracing")]

use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use testrig::log::{Level, LogCapture};
use tracing_subscriber::prelude::*;

static APP_EVENTS: AtomicUsize = AtomicUsize::new(0);

struct AppLayer;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AppLayer {
    fn on_event(&self, _: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        APP_EVENTS.fetch_add(1, Ordering::SeqCst);
    }
}

fn app_setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The usual test set-up: print per test through the harness, and capture.
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_test_writer())
            .with(AppLayer)
            .with(testrig::log::layer())
            .init();
    });
}

#[test]
fn layer_beside_the_apps_own() {
    app_setup();
    let logs = LogCapture::start();
    assert!(logs.notes().is_empty(), "{:?}", logs.notes());
    let before = APP_EVENTS.load(Ordering::SeqCst);
    tracing::warn!(code = 503, "upstream unavailable");
    assert!(APP_EVENTS.load(Ordering::SeqCst) > before);
    logs.assert_logged(testrig::log::Matcher::from((Level::Warn, "upstream")).field("code", 503));
}

#[cfg(feature = "log")]
#[test]
fn log_records_are_captured_by_testrigs_logger_meanwhile() {
    app_setup();
    let logs = LogCapture::start();
    log::info!("through log");
    logs.assert_contains(Level::Info, "through log");
}
