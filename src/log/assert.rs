//! Assertions on a capture. A failure names what was expected and lists every captured record,
//! the unattributed ones emitted meanwhile, and why some facade may be missing.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use super::matcher::Matcher;
use super::record::{Level, Record};
use super::{LogCapture, registry};

impl LogCapture {
    /// Asserts that a record at `level` whose message contains `text` was captured.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// log::warn!("retrying in 2s");
    /// logs.assert_contains(Level::Warn, "retrying");
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, listing the captured records, when there is no such record.
    #[track_caller]
    pub fn assert_contains(&self, level: impl Into<Level>, text: &str) {
        self.assert_logged((level.into(), text));
    }

    /// Asserts that no record at `level` whose message contains `text` was captured.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// log::info!("password accepted");
    /// logs.assert_not_contains(Level::Info, "hunter2");
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, listing the offending records, when there is one.
    #[track_caller]
    pub fn assert_not_contains(&self, level: impl Into<Level>, text: &str) {
        self.assert_not_logged((level.into(), text));
    }

    /// Asserts that at least one captured record matches.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{LogCapture, Matcher};
    ///
    /// let logs = LogCapture::start();
    /// log::info!(target: "db::pool", size = 4; "pool ready");
    /// logs.assert_logged(Matcher::new().target("db").field("size", 4));
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, listing the captured records, when none matches.
    #[track_caller]
    pub fn assert_logged(&self, matcher: impl Into<Matcher>) {
        let matcher = matcher.into();
        let records = self.records();
        if !records.iter().any(|r| matcher.matches(r)) {
            self.fail(
                &format!("expected {matcher}, but none was captured"),
                &records,
                &[],
            );
        }
    }

    /// Asserts that no captured record matches.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// log::warn!("slow response");
    /// logs.assert_not_logged(Level::Error);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, marking the matching records, when there is one.
    #[track_caller]
    pub fn assert_not_logged(&self, matcher: impl Into<Matcher>) {
        let matcher = matcher.into();
        let records = self.records();
        let hits: Vec<usize> = matching(&records, &matcher);
        if !hits.is_empty() {
            let what = format!(
                "expected no {}, but {} captured (marked `>`)",
                phrase_without_article(&matcher),
                were(hits.len())
            );
            self.fail(&what, &records, &hits);
        }
    }

    /// Asserts that exactly `n` captured records match.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// for attempt in 1..=3 {
    ///     log::warn!(attempt; "retrying");
    /// }
    /// logs.assert_count((Level::Warn, "retrying"), 3);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, marking the matching records, when the count differs.
    #[track_caller]
    pub fn assert_count(&self, matcher: impl Into<Matcher>, n: usize) {
        let matcher = matcher.into();
        let records = self.records();
        let hits = matching(&records, &matcher);
        if hits.len() != n {
            let what = format!(
                "expected {n} × {}, but {} captured (marked `>`)",
                phrase_without_article(&matcher),
                were(hits.len())
            );
            self.fail(&what, &records, &hits);
        }
    }

    /// Asserts that records matching each item were captured in this order (other records may
    /// come between them).
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture, Matcher};
    ///
    /// let logs = LogCapture::start();
    /// log::info!("connecting");
    /// log::debug!("handshake");
    /// log::info!("connected");
    /// logs.assert_sequence([
    ///     Matcher::from((Level::Info, "connecting")),
    ///     Matcher::from("handshake"),
    ///     Matcher::from((Level::Info, "connected")),
    /// ]);
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, naming the first step not found after the previous one and
    /// marking the records that matched the steps before it.
    #[track_caller]
    pub fn assert_sequence<M: Into<Matcher>>(&self, steps: impl IntoIterator<Item = M>) {
        let steps: Vec<Matcher> = steps.into_iter().map(Into::into).collect();
        let records = self.records();
        let mut at = 0;
        let mut found = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            match records[at..].iter().position(|r| step.matches(r)) {
                Some(offset) => {
                    found.push(at + offset);
                    at += offset + 1;
                }
                None => {
                    let mut what = format!(
                        "expected a sequence of {} records, but step {} ({step}) was not captured",
                        steps.len(),
                        i + 1
                    );
                    if i > 0 {
                        what += " after step ";
                        what += &i.to_string();
                        if records.iter().any(|r| step.matches(r)) {
                            what += " (it was captured earlier)";
                        }
                    }
                    what += "; steps found are marked `>`";
                    self.fail(&what, &records, &found);
                }
            }
        }
    }

    /// Asserts that the rendered line of some captured record contains `text`: the level,
    /// spans, target, message and fields together, as [`Record::line`] documents. This is
    /// tracing-test's `logs_contain`, for checks a [`Matcher`] does not express in one step,
    /// such as `user="ada"` or `INFO request{id=7}`.
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// let logs = testrig::log::LogCapture::start();
    /// tracing::info!(user = "ada", "logged in");
    /// logs.assert_line_contains(r#"logged in user="ada""#);
    /// logs.assert_line_contains("INFO ");
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, listing the captured records' lines, when no line contains it.
    #[track_caller]
    pub fn assert_line_contains(&self, text: &str) {
        let records = self.records();
        if !records.iter().any(|r| r.rendered.contains(text)) {
            self.fail(
                &format!("expected a line containing {text:?}, but none was captured"),
                &records,
                &[],
            );
        }
    }

    /// Asserts that no rendered line of a captured record contains `text`.
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// let logs = testrig::log::LogCapture::start();
    /// tracing::info!(user = "ada", "logged in");
    /// logs.assert_no_line_contains("password=");
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, marking the lines that contain it.
    #[track_caller]
    pub fn assert_no_line_contains(&self, text: &str) {
        let records = self.records();
        let hits: Vec<usize> = (0..records.len())
            .filter(|&i| records[i].rendered.contains(text))
            .collect();
        if !hits.is_empty() {
            let what = format!(
                "expected no line containing {text:?}, but {} captured (marked `>`)",
                were(hits.len())
            );
            self.fail(&what, &records, &hits);
        }
    }

    /// Runs `check` on the rendered lines of the captured records (tracing-test's
    /// `logs_assert`); an `Err` fails the test with its text and the captured records.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// let logs = testrig::log::LogCapture::start();
    /// log::warn!("retrying");
    /// log::warn!("retrying");
    /// logs.assert_lines(|lines| match lines.iter().filter(|l| l.starts_with("WARN")).count() {
    ///     2 => Ok(()),
    ///     n => Err(format!("expected 2 WARN lines, got {n}")),
    /// });
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// At the caller's line, with `check`'s error, when it returns one.
    #[track_caller]
    pub fn assert_lines(&self, check: impl FnOnce(&[&str]) -> Result<(), String>) {
        let records = self.records();
        let lines: Vec<&str> = records.iter().map(Record::line).collect();
        if let Err(why) = check(&lines) {
            self.fail(
                &format!("the check of the lines failed: {why}"),
                &records,
                &[],
            );
        }
    }

    /// How many captured records match.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// log::error!("a");
    /// log::error!("b");
    /// assert_eq!(logs.count(Level::Error), 2);
    /// # }
    /// ```
    pub fn count(&self, matcher: impl Into<Matcher>) -> usize {
        let matcher = matcher.into();
        self.records().iter().filter(|r| matcher.matches(r)).count()
    }

    /// The captured records that match, oldest first.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture};
    ///
    /// let logs = LogCapture::start();
    /// log::info!("a");
    /// log::warn!("b");
    /// assert_eq!(logs.find(Level::Warn)[0].message(), "b");
    /// # }
    /// ```
    pub fn find(&self, matcher: impl Into<Matcher>) -> Vec<Record> {
        let matcher = matcher.into();
        self.records()
            .into_iter()
            .filter(|r| matcher.matches(r))
            .collect()
    }

    #[track_caller]
    fn fail(&self, what: &str, records: &[Record], marked: &[usize]) -> ! {
        self.reported.store(true, Ordering::Relaxed);
        panic!(
            "testrig: {what}\n{}",
            self.describe_records(records, marked)
        );
    }

    /// Everything a reader of a failure needs: the captured records, the unattributed ones
    /// emitted meanwhile, and notes on facades this capture cannot see.
    pub(super) fn describe(&self) -> String {
        self.describe_records(&self.records(), &[])
    }

    fn describe_records(&self, records: &[Record], marked: &[usize]) -> String {
        let mut out = String::new();
        let level = self.level();
        let level = if level == Level::Trace {
            String::new()
        } else {
            format!(" at level {level} or more severe")
        };
        if records.is_empty() {
            let _ = writeln!(out, "no records were captured for {}{level}", self.owner);
        } else {
            let _ = writeln!(
                out,
                "{} captured for {}{level}:",
                count_records(records.len()),
                self.owner
            );
            for (i, record) in records.iter().enumerate() {
                let mark = if marked.contains(&i) { '>' } else { ' ' };
                let _ = writeln!(out, "{mark} {:>3}. {record}", i + 1);
            }
        }
        let (lost, truncated) = registry::unattributed_since(self.sink.since);
        if !lost.is_empty() {
            let _ = writeln!(
                out,
                "{} no test owns, logged meanwhile by threads or tasks that carry no test \
                 (wrap what the test spawns in `testrig::log::follow` / `follow_fn`):",
                count_records(lost.len())
            );
            if truncated {
                let _ = writeln!(out, "  … older ones were not kept");
            }
            for record in &lost {
                let _ = writeln!(out, "    ? {record}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out.truncate(out.trim_end().len());
        out
    }
}

fn matching(records: &[Record], matcher: &Matcher) -> Vec<usize> {
    records
        .iter()
        .enumerate()
        .filter(|(_, r)| matcher.matches(r))
        .map(|(i, _)| i)
        .collect()
}

fn phrase_without_article(matcher: &Matcher) -> String {
    let phrase = matcher.to_string();
    let bare = phrase
        .strip_prefix("an ")
        .or_else(|| phrase.strip_prefix("a "));
    bare.unwrap_or(&phrase).to_owned()
}

fn were(n: usize) -> String {
    if n == 1 {
        "1 was".to_owned()
    } else {
        format!("{n} were")
    }
}

fn count_records(n: usize) -> String {
    if n == 1 {
        "1 record".to_owned()
    } else {
        format!("{n} records")
    }
}
