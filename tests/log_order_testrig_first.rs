//! A capture starts before the application installs its logger: `testrig::log::install` makes
//! testrig's logger pass every record on to the application's, so both keep working.
#![cfg(feature = "log")]

use std::sync::{Mutex, Once};

use testrig::log::{Level, LogCapture};

static APP_SAW: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct AppLogger;

impl log::Log for AppLogger {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= log::Level::Info
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            APP_SAW.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

/// The order under test: the capture first, the application's logger second.
fn setup() -> LogCapture {
    let logs = LogCapture::start();
    static ONCE: Once = Once::new();
    ONCE.call_once(|| testrig::log::install(Box::new(AppLogger), log::LevelFilter::Info).unwrap());
    logs
}

#[test]
fn app_logger_installed_after_a_capture_gets_records() {
    let logs = setup();
    log::info!("testrig-first info");
    log::debug!("testrig-first debug");
    logs.assert_contains(Level::Info, "testrig-first info");
    logs.assert_contains(Level::Debug, "testrig-first debug");
    let app = APP_SAW.lock().unwrap();
    assert!(app.contains(&"testrig-first info".to_owned()));
    assert!(
        !app.contains(&"testrig-first debug".to_owned()),
        "the app's logger still filters for itself"
    );
}

#[test]
fn a_plain_set_logger_after_a_capture_fails_as_for_any_second_logger() {
    let _logs = setup();
    assert!(log::set_boxed_logger(Box::new(AppLogger)).is_err());
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
}
