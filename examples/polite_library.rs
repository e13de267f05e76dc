//! A library that logs through the `log` facade and never touches the global logger
//! configuration (no `set_logger`, no `set_max_level`): the application that uses it decides
//! where lines go. Its tests capture the library's lines with `LogCapture`, and an
//! application's own logger keeps working in tests through `testrig::log::install`.
//!
//! ```text
//! cargo run --example polite_library --features log
//! cargo test --example polite_library --features log
//! ```

/// The library: parses `key = value` settings, logging what it skips.
pub mod settings {
    use std::collections::BTreeMap;

    /// Parses `key = value` lines. Comments and blank lines are skipped; malformed lines are
    /// skipped with a warning that names the line number.
    pub fn parse(text: &str) -> BTreeMap<String, String> {
        let mut settings = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                log::trace!(line_no; "skipped blank or comment line");
                continue;
            }
            match line.split_once('=') {
                Some((key, value)) if !key.trim().is_empty() => {
                    let (key, value) = (key.trim(), value.trim());
                    log::debug!(key, value; "setting read");
                    if settings.insert(key.to_owned(), value.to_owned()).is_some() {
                        log::warn!(key, line_no; "setting `{key}` given twice, the last one wins");
                    }
                }
                _ => log::warn!(line_no; "malformed line skipped: {line:?}"),
            }
        }
        log::info!(count = settings.len(); "settings parsed");
        settings
    }
}

/// The application's logger: the library does not know or care which one it is.
struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Info
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!(
                "[{}] {}: {}",
                record.level(),
                record.target(),
                record.args()
            );
        }
    }
    fn flush(&self) {}
}

fn main() {
    // Only the application configures logging.
    log::set_logger(&StderrLogger).expect("no logger was set before");
    log::set_max_level(log::LevelFilter::Info);
    let settings = settings::parse("timeout = 30\n# comment\nretries\nretries = 3\ntimeout = 10\n");
    println!("{settings:?}");
}

#[cfg(test)]
mod tests {
    use super::settings;
    use std::sync::{Mutex, Once};
    use testrig::log::{Level, LogCapture, Matcher};

    const TEXT: &str = "timeout = 30\n# comment\nretries\nretries = 3\ntimeout = 10\n";

    #[test]
    fn malformed_and_repeated_lines_are_warned_about() {
        let logs = LogCapture::start();
        let parsed = settings::parse(TEXT);
        assert_eq!(parsed["timeout"], "10");
        logs.assert_contains(Level::Warn, "malformed line skipped: \"retries\"");
        logs.assert_logged(
            Matcher::new()
                .level(Level::Warn)
                .target("polite_library::settings")
                .field("key", "timeout")
                .field("line_no", 5),
        );
        logs.assert_count(Level::Warn, 2);
        logs.assert_not_logged(Level::Error);
        logs.assert_sequence([
            Matcher::from((Level::Debug, "setting read")).field("key", "timeout"),
            Matcher::from((Level::Warn, "malformed")),
            Matcher::from((Level::Info, "settings parsed")).field("count", 2),
        ]);
    }

    #[test]
    fn at_level_hides_the_chatter() {
        let logs = LogCapture::start();
        let _level = logs.at_level(Level::Info);
        settings::parse(TEXT);
        assert_eq!(logs.count(Matcher::new()), 3, "{:?}", logs.messages());
    }

    /// What the application's test suite does to keep its own logger in tests: `install`
    /// works whether a capture started before it or not.
    #[test]
    fn the_applications_logger_still_gets_the_lines() {
        static APP_LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
        struct AppLogger;
        impl log::Log for AppLogger {
            fn enabled(&self, m: &log::Metadata<'_>) -> bool {
                m.level() <= log::Level::Info
            }
            fn log(&self, r: &log::Record<'_>) {
                if self.enabled(r.metadata()) {
                    APP_LINES.lock().unwrap().push(r.args().to_string());
                }
            }
            fn flush(&self) {}
        }
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            testrig::log::install(Box::new(AppLogger), log::LevelFilter::Info).unwrap()
        });

        // Whichever came first, the app's logger or a capture, captures see every level and
        // the app's logger only the levels it was installed with.
        let logs = LogCapture::start();
        settings::parse("a = 1\n");
        logs.assert_contains(Level::Debug, "setting read");
        let app_lines = APP_LINES.lock().unwrap();
        assert!(
            app_lines.iter().any(|l| l == "settings parsed"),
            "{app_lines:?}"
        );
        assert!(
            !app_lines.iter().any(|l| l == "setting read"),
            "the app filters for itself"
        );
    }
}
