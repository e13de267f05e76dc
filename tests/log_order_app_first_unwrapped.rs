//! The application installs a logger of its own, unwrapped, before any capture starts. testrig
//! never replaces it; `log` records cannot be captured, and captures say so and how to fix it.
#![cfg(feature = "log")]

use std::sync::Once;

#[path = "support/app_logger.rs"]
mod app_logger;

use app_logger::{AppLogger, app_saw};
use testrig::log::{Level, LogCapture};

fn app_setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_boxed_logger(Box::new(AppLogger {
            max: log::Level::Trace,
        }))
        .unwrap();
        log::set_max_level(log::LevelFilter::Info);
    });
}

#[test]
fn the_app_logger_stays_and_the_capture_explains() {
    app_setup();
    let logs = LogCapture::start();
    log::warn!("only the app sees this");
    assert!(app_saw("only the app sees this"));
    assert!(
        logs.records()
            .iter()
            .all(|r| r.source() != testrig::log::Source::Log)
    );
    assert_eq!(logs.notes().len(), 1, "{:?}", logs.notes());
    let err = std::panic::catch_unwind(|| logs.assert_contains(Level::Warn, "only the app"))
        .expect_err("nothing was captured");
    let message = err.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("note: `log` records are not captured"),
        "{message}"
    );
    assert!(
        message.contains("testrig::log::Capture::wrap(logger)"),
        "{message}"
    );
}

#[test]
fn at_level_leaves_a_foreign_max_level_alone() {
    app_setup();
    let logs = LogCapture::start();
    let _level = logs.at_level(Level::Trace);
    assert_eq!(log::max_level(), log::LevelFilter::Info);
}

#[cfg(feature = "tracing")]
#[test]
fn tracing_still_captures() {
    app_setup();
    let logs = LogCapture::start();
    tracing::info!("through tracing");
    logs.assert_contains(Level::Info, "through tracing");
}
