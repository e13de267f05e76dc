//! The application installs its logger, wrapped in `testrig::log::Capture`, before any capture
//! starts: it keeps its output and its max level, and captures still work.
#![cfg(feature = "log")]

use std::sync::Once;

#[path = "support/app_logger.rs"]
mod app_logger;

use app_logger::{AppLogger, app_saw};
use testrig::log::{Capture, Level, LogCapture};

fn app_setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_boxed_logger(Box::new(Capture::wrap(AppLogger {
            max: log::Level::Trace,
        })))
        .unwrap();
        log::set_max_level(log::LevelFilter::Info);
    });
}

#[test]
fn capture_and_app_logger_both_get_records() {
    app_setup();
    let logs = LogCapture::start();
    assert!(logs.notes().is_empty(), "{:?}", logs.notes());
    log::warn!("app-first wrapped warning");
    logs.assert_contains(Level::Warn, "app-first wrapped warning");
    assert!(
        app_saw("app-first wrapped warning"),
        "the application's logger must keep getting records"
    );
}

/// One test, so that no other test of this binary changes the max level in between.
#[test]
fn levels_raise_the_max_level_and_put_it_back() {
    app_setup();
    let logs = LogCapture::start();
    log::debug!("below the app's max level");
    {
        let _level = logs.at_level(Level::Debug);
        assert_eq!(log::max_level(), log::LevelFilter::Debug);
        log::debug!("debug while raised");
    }
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Info,
        "the app's level is back"
    );
    log::debug!("below again");
    assert_eq!(logs.messages(), ["debug while raised"]);

    let logs = LogCapture::start();
    logs.set_level(Level::Trace);
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
    log::trace!("trace while set");
    logs.assert_contains(Level::Trace, "trace while set");
    drop(logs);
    assert_eq!(log::max_level(), log::LevelFilter::Info);

    // Tests needing different levels at once never lower the level under each other: they
    // take turns on it through the guard core.
    let workers: Vec<_> = (0..8)
        .map(|n| {
            std::thread::spawn(move || {
                let logs = LogCapture::start();
                let level = if n % 2 == 0 {
                    Level::Debug
                } else {
                    Level::Trace
                };
                for _ in 0..200 {
                    let _level = logs.at_level(level);
                    let needed = log::Level::from(level).to_level_filter();
                    assert!(log::max_level() >= needed, "lowered under a live guard");
                    std::thread::yield_now();
                    assert!(log::max_level() >= needed, "lowered under a live guard");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(log::max_level(), log::LevelFilter::Info);
}

#[test]
fn a_second_install_is_refused() {
    app_setup();
    assert!(
        testrig::log::install(
            Box::new(AppLogger {
                max: log::Level::Trace
            }),
            log::LevelFilter::Info
        )
        .is_err()
    );
}
