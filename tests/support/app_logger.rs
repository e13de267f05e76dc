//! An application's own `log` logger, for the test binaries that install one: it remembers
//! every message it lets through, so a test can check the application still gets its records.

use std::sync::Mutex;

/// What the application's logger printed.
static APP_SAW: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Lets through records at `max` or more severe, as logger crates filter by themselves.
pub(crate) struct AppLogger {
    pub(crate) max: log::Level,
}

impl log::Log for AppLogger {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        m.level() <= self.max
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            APP_SAW.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

/// Whether the application's logger printed `message`.
pub(crate) fn app_saw(message: &str) -> bool {
    APP_SAW.lock().unwrap().iter().any(|m| m == message)
}

/// Installs the application's logger through `testrig::log::install`, once per process. The
/// logger lets everything through; `install`'s level is what keeps it at INFO.
#[allow(dead_code)] // the binaries that install the logger by hand leave it unused
pub(crate) fn install_once() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        testrig::log::install(
            Box::new(AppLogger {
                max: log::Level::Trace,
            }),
            log::LevelFilter::Info,
        )
        .unwrap();
    });
}
