//! The application installs its logger with `testrig::log::install` before any capture starts:
//! the result is the same as in the other order (`log_order_testrig_first.rs`), so a capture's
//! content never depends on which test of the binary ran first.
#![cfg(feature = "log")]

#[path = "support/app_logger.rs"]
mod app_logger;
#[path = "common/mod.rs"]
mod common;

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

/// Captures that start while another thread installs the application's logger see every
/// level all the same, whichever wins the race. A fresh process each round: the race is
/// over once a logger is set.
#[test]
fn captures_racing_the_install_see_every_level() {
    if common::in_helper() {
        race();
        return;
    }
    for round in 0..20 {
        let (out, text) = common::run(&mut common::helper(
            "captures_racing_the_install_see_every_level",
        ));
        assert!(out.status.success(), "round {round}:\n{text}");
    }
}

fn race() {
    let start = std::sync::Barrier::new(8);
    std::thread::scope(|s| {
        s.spawn(|| {
            start.wait();
            app_logger::install_once();
        });
        for n in 0..7 {
            let start = &start;
            s.spawn(move || {
                start.wait();
                let logs = LogCapture::start();
                log::debug!("racing debug {n}");
                log::info!("racing info {n}");
                logs.assert_contains(Level::Debug, &format!("racing debug {n}"));
                logs.assert_contains(Level::Info, &format!("racing info {n}"));
                assert!(!app_saw(&format!("racing debug {n}")));
            });
        }
    });
}
