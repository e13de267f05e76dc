//! The application installs its logger with `testrig::log::install` before any capture starts:
//! the result is the same as in the other order (`log_order_testrig_first.rs`), so a capture's
//! content never depends on which test of the binary ran first.
#![cfg(feature = "log")]

#[path = "support/app_logger.rs"]
mod app_logger;

use app_logger::{AppLogger, app_saw};
use testrig::log::{Level, LogCapture};

/// The order under test: the application's logger first, then the capture.
fn setup() -> LogCapture {
    app_logger::install_once();
    LogCapture::start()
}

#[test]
fn captures_see_every_level_and_the_app_its_own() {
    let logs = setup();
    log::info!("install-first info");
    log::debug!("install-first debug");
    log::trace!("install-first trace");
    logs.assert_contains(Level::Info, "install-first info");
    logs.assert_contains(Level::Debug, "install-first debug");
    logs.assert_contains(Level::Trace, "install-first trace");
    assert!(app_saw("install-first info"));
    assert!(
        !app_saw("install-first debug") && !app_saw("install-first trace"),
        "the app's logger gets only the levels it was installed with"
    );
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
}

#[test]
fn at_level_narrows_a_capture() {
    let logs = setup();
    {
        let _level = logs.at_level(Level::Warn);
        log::info!("install-first narrowed info");
        log::warn!("install-first narrowed warning");
    }
    log::debug!("install-first wide again");
    assert_eq!(
        logs.messages(),
        ["install-first narrowed warning", "install-first wide again"]
    );
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
}

#[test]
fn a_second_install_is_refused() {
    let _logs = setup();
    assert!(
        testrig::log::install(
            Box::new(AppLogger {
                max: log::Level::Trace
            }),
            log::LevelFilter::Trace
        )
        .is_err()
    );
}
