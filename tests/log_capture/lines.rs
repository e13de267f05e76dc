//! Whole-line matching: each record rendered as tracing-subscriber's `fmt` writes it (without
//! timestamp), for tracing-test's `logs_contain` / `logs_assert` checks.

use testrig::log::{Level, LogCapture};

#[cfg(feature = "tracing")]
mod against_fmt {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use testrig::log::LogCapture;
    use tracing_subscriber::prelude::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[derive(Debug)]
    #[expect(dead_code, reason = "only its `Debug` output is logged")]
    struct Point {
        x: i32,
    }

    /// Every record's line is what `fmt` printed for the same event, but for `fmt`'s padding
    /// of the level: the same order, the same quoting.
    #[test]
    fn lines_are_what_fmt_prints_without_the_timestamp() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let fmt = tracing_subscriber::fmt::layer()
            .without_time()
            .with_ansi(false)
            .with_writer(move || writer.clone());
        let subscriber = tracing_subscriber::registry()
            .with(fmt)
            .with(testrig::log::layer());
        let _scoped = tracing::subscriber::set_default(subscriber);
        let logs = LogCapture::start();

        tracing::info!(user = "ada", attempt = 2, ok = true, "logged in");
        tracing::warn!(target: "app::db", quote = "say \"hi\"\n", "retrying");
        tracing::error!(shown = %"display", debugged = ?Point { x: 1 }, r#type = "raw");
        let request = tracing::info_span!("request", id = 7, user = tracing::field::Empty);
        request.record("user", "ada");
        request.in_scope(|| {
            tracing::debug_span!("query").in_scope(|| {
                tracing::debug!(table = "orders", "query \"failed\"");
            });
        });

        let printed = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let printed: Vec<&str> = printed.lines().map(str::trim_start).collect();
        assert_eq!(logs.lines(), printed);
        assert_eq!(printed.len(), 4, "{printed:?}");
        assert_eq!(
            printed[3],
            format!(
                "DEBUG request{{id=7 user=\"ada\"}}:query: {}: query \"failed\" table=\"orders\"",
                module_path!()
            )
        );
    }
}

#[cfg(feature = "log")]
#[test]
fn log_records_render_their_key_values() {
    let logs = LogCapture::start();
    log::info!(target: "auth", user = "ada", attempts = 2; "logged in");
    log::warn!(target: "auth", "no fields");
    assert_eq!(
        logs.lines(),
        [
            r#"INFO auth: logged in user="ada" attempts=2"#,
            "WARN auth: no fields"
        ]
    );
}

fn info_with_user(message: &str) {
    #[cfg(feature = "log")]
    log::info!(target: "auth", user = "ada"; "{message}");
    #[cfg(not(feature = "log"))]
    tracing::info!(target: "auth", user = "ada", "{message}");
}

#[test]
fn assert_line_contains_sees_level_target_and_fields() {
    let logs = LogCapture::start();
    info_with_user("logged in");
    logs.assert_line_contains("INFO");
    logs.assert_line_contains("INFO auth: logged in");
    logs.assert_line_contains(r#"user="ada""#);
    logs.assert_no_line_contains("WARN");
    logs.assert_no_line_contains("user=ada");
    // The message-only assertions do not look at fields.
    logs.assert_not_contains(Level::Info, "ada");
}

#[test]
fn assert_line_contains_failure_lists_the_lines() {
    let logs = LogCapture::start();
    info_with_user("logged in");
    let message = crate::panic_message(|| logs.assert_line_contains(r#"user="bob""#));
    assert!(
        message.starts_with(
            "testrig: expected a line containing \"user=\\\"bob\\\"\", but none was captured\n"
        ),
        "{message}"
    );
    assert!(
        message.contains(r#"    1. INFO auth: logged in user="ada""#),
        "{message}"
    );
}

#[test]
fn assert_no_line_contains_marks_the_offenders() {
    let logs = LogCapture::start();
    info_with_user("first");
    info_with_user("second");
    let message = crate::panic_message(|| logs.assert_no_line_contains("second"));
    assert!(
        message.contains("expected no line containing \"second\", but 1 was captured (marked `>`)"),
        "{message}"
    );
    assert!(message.contains(">   2. INFO auth: second"), "{message}");
    assert!(message.contains("    1. INFO auth: first"), "{message}");
}

/// tracing-test's `logs_assert`: a closure over the lines; its error fails the test.
#[test]
fn assert_lines_runs_the_check_on_the_lines() {
    let logs = LogCapture::start();
    info_with_user("one");
    info_with_user("two");
    logs.assert_lines(|lines| {
        if lines.len() == 2 && lines.iter().all(|l| l.starts_with("INFO auth: ")) {
            Ok(())
        } else {
            Err(format!("unexpected lines {lines:?}"))
        }
    });
    let message = crate::panic_message(|| {
        logs.assert_lines(|lines| Err(format!("wanted 3 lines, got {}", lines.len())))
    });
    assert!(
        message.starts_with("testrig: the check of the lines failed: wanted 3 lines, got 2\n"),
        "{message}"
    );
    assert!(message.contains("2. INFO auth: two"), "{message}");
}
