//! The application sets a global subscriber without testrig's layer. testrig leaves it in
//! place; captures say they cannot see `tracing` events, and a scoped subscriber fixes that
//! for one test, carried to its threads by `follow`.
#![cfg(feature = "tracing")]

use std::sync::Once;

#[path = "support/app_layer.rs"]
mod app_layer;

use app_layer::{AppLayer, app_events};
use testrig::log::{Level, LogCapture};
use tracing_subscriber::prelude::*;

fn app_setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| tracing_subscriber::registry().with(AppLayer).init());
}

#[test]
fn capture_explains_and_the_app_subscriber_stays() {
    app_setup();
    let logs = LogCapture::start();
    let before = app_events();
    tracing::info!("only the app sees this");
    assert!(app_events() > before);
    assert!(logs.find("only the app").is_empty());
    assert!(
        logs.notes()
            .iter()
            .any(|n| n.contains(".with(testrig::log::layer())")),
        "{:?}",
        logs.notes()
    );
}

#[test]
fn scoped_subscriber_captures_and_follows_threads() {
    app_setup();
    let _scoped = tracing::subscriber::set_default(testrig::log::subscriber());
    let logs = LogCapture::start();
    assert!(
        logs.notes().iter().all(|n| !n.contains("tracing")),
        "{:?}",
        logs.notes()
    );
    tracing::info!("on the test thread");
    testrig::log::spawn(|| tracing::info!("on a followed thread"))
        .join()
        .unwrap();
    logs.assert_sequence([
        (Level::Info, "on the test thread"),
        (Level::Info, "on a followed thread"),
    ]);
}
