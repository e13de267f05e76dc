//! The application sets its own global subscriber with testrig's layer beside its own layer:
//! its layers (a counting one, and fmt with the test writer) keep seeing every event, and
//! captures work.
#![cfg(feature = "tracing")]

use std::sync::Once;

#[path = "support/app_layer.rs"]
mod app_layer;

use app_layer::{AppLayer, app_events};
use testrig::log::{Level, LogCapture};
use tracing_subscriber::prelude::*;

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
    let before = app_events();
    tracing::warn!(code = 503, "upstream unavailable");
    assert!(app_events() > before);
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
