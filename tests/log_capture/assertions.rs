//! Assertions pass on what was logged and fail with every captured record in the message.

use testrig::log::{Level, LogCapture, Matcher, Source};

use crate::panic_message;

#[cfg(feature = "log")]
#[test]
fn log_records_keep_level_target_message_and_key_values() {
    let logs = LogCapture::start();
    log::warn!(target: "billing::charge", attempt = 2, customer = "ada"; "retrying charge {}", 7);
    let records = logs.records();
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.level(), Level::Warn);
    assert_eq!(r.target(), "billing::charge");
    assert_eq!(r.message(), "retrying charge 7");
    assert_eq!(r.source(), Source::Log);
    assert_eq!(
        r.fields(),
        [
            ("attempt".to_owned(), "2".to_owned()),
            ("customer".to_owned(), "ada".to_owned())
        ]
    );
    assert_eq!(r.location().map(|(f, _)| f), Some(file!()));
    assert!(r.spans().is_empty());
}

#[cfg(feature = "tracing")]
#[test]
fn tracing_events_keep_fields_and_the_span_chain() {
    let logs = LogCapture::start();
    let request = tracing::info_span!("request", request_id = 42, user = tracing::field::Empty);
    request.record("user", "ada");
    request.in_scope(|| {
        tracing::debug_span!("query", table = "orders").in_scope(|| {
            tracing::error!(rows = 0_u64, reason = %"timeout", "query failed");
        });
    });
    let records = logs.records();
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.level(), Level::Error);
    assert_eq!(r.source(), Source::Tracing);
    assert_eq!(r.message(), "query failed");
    assert_eq!(r.field("rows"), Some("0"));
    assert_eq!(r.field("reason"), Some("timeout"));
    assert_eq!(r.field("table"), Some("orders"));
    assert_eq!(r.field("request_id"), Some("42"));
    assert_eq!(r.field("user"), Some("ada"), "recorded after creation");
    assert_eq!(
        r.to_string(),
        format!(
            "ERROR request{{request_id=42 user=\"ada\"}}:query{{table=\"orders\"}}: {}: \
             query failed rows=0 reason=timeout",
            module_path!()
        )
    );
}

fn log_warn(target_is_db: bool, message: &str) {
    #[cfg(feature = "log")]
    if target_is_db {
        log::warn!(target: "app::db", id = 7; "{message}");
    } else {
        log::warn!(target: "app::http", id = 8; "{message}");
    }
    #[cfg(not(feature = "log"))]
    if target_is_db {
        tracing::warn!(target: "app::db", id = 7, "{message}");
    } else {
        tracing::warn!(target: "app::http", id = 8, "{message}");
    }
}

#[test]
fn passing_assertions() {
    let logs = LogCapture::start();
    log_warn(true, "retrying connect");
    log_warn(false, "slow response");
    log_warn(true, "retrying connect");
    logs.assert_contains(Level::Warn, "retrying");
    logs.assert_not_contains(Level::Error, "retrying");
    logs.assert_not_contains(Level::Warn, "gave up");
    logs.assert_logged(Matcher::new().target("app::db").field("id", 7));
    logs.assert_not_logged(Matcher::new().target("app::http").field("id", 7));
    logs.assert_count(Matcher::new().target("app"), 3);
    logs.assert_count((Level::Warn, "retrying"), 2);
    logs.assert_sequence(["retrying", "slow", "retrying"]);
    assert_eq!(logs.count(Level::Warn), 3);
    assert_eq!(logs.find(Matcher::new().target("app::http")).len(), 1);
}

#[test]
fn assert_contains_failure_lists_the_records() {
    let logs = LogCapture::start();
    log_warn(true, "retrying connect");
    let message = panic_message(|| logs.assert_contains(Level::Error, "retrying"));
    assert!(
        message.starts_with(
            "testrig: expected an ERROR record containing \"retrying\", but none was captured\n"
        ),
        "{message}"
    );
    assert!(
        message.contains("1 record captured for thread `"),
        "{message}"
    );
    assert!(
        message.contains("1. WARN app::db: retrying connect id=7"),
        "{message}"
    );
}

#[test]
fn assert_not_logged_failure_marks_the_offenders() {
    let logs = LogCapture::start();
    log_warn(false, "fine");
    log_warn(true, "password=hunter2");
    let message = panic_message(|| logs.assert_not_contains(Level::Warn, "hunter2"));
    assert!(
        message.contains("expected no WARN record containing \"hunter2\", but 1 was captured"),
        "{message}"
    );
    assert!(
        message.contains(">   2. WARN app::db: password=hunter2"),
        "{message}"
    );
    assert!(message.contains("    1. WARN app::http: fine"), "{message}");
}

#[test]
fn assert_count_failure_says_how_many() {
    let logs = LogCapture::start();
    log_warn(true, "retrying");
    let message = panic_message(|| logs.assert_count((Level::Warn, "retrying"), 3));
    assert!(
        message.contains("expected 3 × WARN record containing \"retrying\", but 1 was captured"),
        "{message}"
    );
}

#[test]
fn assert_sequence_failure_names_the_missing_step() {
    let logs = LogCapture::start();
    log_warn(true, "second");
    log_warn(true, "first");
    let message = panic_message(|| logs.assert_sequence(["first", "second"]));
    assert!(
        message.contains(
            "step 2 (a record containing \"second\") was not captured after step 1 \
             (it was captured earlier)"
        ),
        "{message}"
    );
    assert!(message.contains(">   2. WARN app::db: first"), "{message}");
}

#[test]
fn failure_on_an_empty_capture_says_nothing_was_captured() {
    let logs = LogCapture::start();
    let message = panic_message(|| logs.assert_contains(Level::Info, "anything"));
    assert!(
        message.contains("no records were captured for"),
        "{message}"
    );
}

#[test]
fn failure_points_at_the_callers_line() {
    let logs = LogCapture::start();
    let line = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = line.clone();
    let me = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Other tests may panic meanwhile (on purpose, inside `catch_unwind`).
        if std::thread::current().id() == me {
            *seen.lock().unwrap() = info.location().map(|l| (l.file().to_owned(), l.line()));
        }
    }));
    let expected_line = line!() + 1;
    let result = std::panic::catch_unwind(|| logs.assert_contains(Level::Info, "never"));
    std::panic::set_hook(previous);
    assert!(result.is_err());
    assert_eq!(
        line.lock().unwrap().clone(),
        Some((file!().to_owned(), expected_line))
    );
}

/// `log` records bridged into `tracing` by tracing-log carry their origin in `log.*` fields:
/// the record shows the original target and location, not the bridge's.
#[cfg(feature = "tracing")]
#[test]
fn records_bridged_by_tracing_log_keep_their_origin() {
    let logs = LogCapture::start();
    tracing::info!(
        log.target = "legacy::db",
        log.module_path = "legacy::db",
        log.file = "src/db.rs",
        log.line = 7_u32,
        rows = 3,
        "bridged"
    );
    let r = &logs.records()[0];
    assert_eq!(r.target(), "legacy::db");
    assert_eq!(r.module_path(), Some("legacy::db"));
    assert_eq!(r.location(), Some(("src/db.rs", 7)));
    assert_eq!(r.fields(), [("rows".to_owned(), "3".to_owned())]);
}
