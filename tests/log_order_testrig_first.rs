//! A capture starts before the application installs its logger: `testrig::log::install` makes
//! testrig's logger pass the records on to the application's, so both keep working.
#![cfg(feature = "log")]

#[path = "support/app_logger.rs"]
mod app_logger;

use app_logger::{AppLogger, app_saw};
use testrig::log::{Level, LogCapture};

/// The order under test: the capture first, the application's logger second.
fn setup() -> LogCapture {
    let logs = LogCapture::start();
    app_logger::install_once();
    logs
}

#[test]
fn app_logger_installed_after_a_capture_gets_records() {
    let logs = setup();
    log::info!("testrig-first info");
    log::debug!("testrig-first debug");
    logs.assert_contains(Level::Info, "testrig-first info");
    logs.assert_contains(Level::Debug, "testrig-first debug");
    assert!(app_saw("testrig-first info"));
    assert!(
        !app_saw("testrig-first debug"),
        "the app's logger gets only the levels it was installed with"
    );
}

#[test]
fn a_plain_set_logger_after_a_capture_fails_as_for_any_second_logger() {
    let _logs = setup();
    assert!(
        log::set_boxed_logger(Box::new(AppLogger {
            max: log::Level::Info
        }))
        .is_err()
    );
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
}
