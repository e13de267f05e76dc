//! Test-scoped levels: the capture's own threshold, restored when its guard drops.

use testrig::log::{Level, LogCapture};

fn log_at(level: Level, message: &str) {
    #[cfg(feature = "log")]
    log::log!(level.into(), "{message}");
    #[cfg(not(feature = "log"))]
    match level {
        Level::Error => tracing::error!("{message}"),
        Level::Warn => tracing::warn!("{message}"),
        Level::Info => tracing::info!("{message}"),
        Level::Debug => tracing::debug!("{message}"),
        Level::Trace => tracing::trace!("{message}"),
    }
}

#[test]
fn at_level_filters_until_the_guard_drops() {
    let logs = LogCapture::start();
    log_at(Level::Trace, "trace before");
    {
        let _level = logs.at_level(Level::Warn);
        assert_eq!(logs.level(), Level::Warn);
        log_at(Level::Info, "info during");
        log_at(Level::Warn, "warn during");
        log_at(Level::Error, "error during");
    }
    assert_eq!(logs.level(), Level::Trace);
    log_at(Level::Debug, "debug after");
    assert_eq!(
        logs.messages(),
        ["trace before", "warn during", "error during", "debug after"]
    );
}

#[test]
fn nested_level_guards_restore_in_turn() {
    let logs = LogCapture::start();
    let outer = logs.at_level(Level::Info);
    let inner = logs.at_level(Level::Error);
    log_at(Level::Warn, "hidden");
    drop(inner);
    assert_eq!(logs.level(), Level::Info);
    log_at(Level::Warn, "shown");
    drop(outer);
    assert_eq!(logs.level(), Level::Trace);
    assert_eq!(logs.messages(), ["shown"]);
}

#[test]
fn set_level_lasts_for_the_capture() {
    let logs = LogCapture::start();
    logs.set_level(Level::Info);
    logs.set_level(Level::Warn);
    log_at(Level::Info, "too verbose");
    log_at(Level::Warn, "kept");
    assert_eq!(logs.messages(), ["kept"]);
    assert_eq!(logs.level(), Level::Warn);
}

#[test]
fn a_level_in_one_test_does_not_filter_another() {
    let quiet = std::thread::spawn(|| {
        let logs = LogCapture::start();
        let _level = logs.at_level(Level::Error);
        log_at(Level::Info, "quiet test info");
        logs.records().len()
    });
    let logs = LogCapture::start();
    log_at(Level::Debug, "loud test debug");
    assert_eq!(quiet.join().unwrap(), 0);
    logs.assert_contains(Level::Debug, "loud test debug");
}

#[cfg(feature = "log")]
#[test]
fn levels_of_both_facades_convert() {
    assert_eq!(Level::from(log::Level::Warn), Level::Warn);
    assert_eq!(log::Level::from(Level::Trace), log::Level::Trace);
    #[cfg(feature = "tracing")]
    assert_eq!(Level::from(tracing::Level::DEBUG), Level::Debug);
}

#[test]
fn records_below_the_level_are_not_called_unattributed() {
    let logs = LogCapture::start();
    let _level = logs.at_level(Level::Error);
    log_at(Level::Info, "filtered, not lost");
    assert!(logs.records().is_empty());
    assert!(
        logs.unattributed()
            .iter()
            .all(|r| r.message() != "filtered, not lost")
    );
}
