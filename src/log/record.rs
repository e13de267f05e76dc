//! The record model: what a capture keeps of one `log` record or `tracing` event.

use std::fmt;

/// How severe a record is, from [`Level::Error`] (most severe) to [`Level::Trace`].
///
/// The same type serves both backends: `log::Level` and `tracing::Level` convert into it, so
/// every assertion accepts any of the three.
///
/// ```
/// use testrig::log::Level;
///
/// assert!(Level::Error < Level::Warn); // ordered like `log::Level`: more verbose is greater
/// assert_eq!(Level::Warn.to_string(), "WARN");
/// assert_eq!("info".parse::<Level>(), Ok(Level::Info));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Something failed.
    Error = 1,
    /// Something unexpected that the program recovered from.
    Warn,
    /// Normal progress.
    Info,
    /// Detail for debugging.
    Debug,
    /// Very verbose detail.
    Trace,
}

impl Level {
    pub(crate) const ALL: [Level; 5] = [
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ];

    /// The upper-case name, `"WARN"` for [`Level::Warn`].
    ///
    /// ```
    /// assert_eq!(testrig::log::Level::Trace.as_str(), "TRACE");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }

    pub(crate) fn from_u8(n: u8) -> Level {
        Level::ALL[usize::from(n.clamp(1, 5)) - 1]
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Returned by `str::parse::<Level>()` for a name that is not a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLevelError(String);

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a log level; use one of error, warn, info, debug, trace",
            self.0
        )
    }
}

impl std::error::Error for ParseLevelError {}

impl std::str::FromStr for Level {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Level, ParseLevelError> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseLevelError(s.to_owned()))
    }
}

#[cfg(feature = "log")]
impl From<::log::Level> for Level {
    fn from(level: ::log::Level) -> Level {
        match level {
            ::log::Level::Error => Level::Error,
            ::log::Level::Warn => Level::Warn,
            ::log::Level::Info => Level::Info,
            ::log::Level::Debug => Level::Debug,
            ::log::Level::Trace => Level::Trace,
        }
    }
}

#[cfg(feature = "log")]
impl From<Level> for ::log::Level {
    fn from(level: Level) -> ::log::Level {
        match level {
            Level::Error => ::log::Level::Error,
            Level::Warn => ::log::Level::Warn,
            Level::Info => ::log::Level::Info,
            Level::Debug => ::log::Level::Debug,
            Level::Trace => ::log::Level::Trace,
        }
    }
}

#[cfg(feature = "tracing")]
impl From<::tracing::Level> for Level {
    fn from(level: ::tracing::Level) -> Level {
        match level {
            ::tracing::Level::ERROR => Level::Error,
            ::tracing::Level::WARN => Level::Warn,
            ::tracing::Level::INFO => Level::Info,
            ::tracing::Level::DEBUG => Level::Debug,
            _ => Level::Trace,
        }
    }
}

/// Which logging facade a record came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// A `log` macro (`log::warn!`, …).
    Log,
    /// A `tracing` event (`tracing::warn!`, …).
    Tracing,
}

/// A span around a `tracing` event: its name and the fields it was created with (or recorded
/// later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanRecord {
    pub(crate) name: &'static str,
    pub(crate) fields: Vec<(String, String)>,
}

impl SpanRecord {
    /// The span's name, `request` for `tracing::info_span!("request", id = 7)`.
    ///
    /// See [`Record::spans`] for an example.
    pub fn name(&self) -> &str {
        self.name
    }

    /// The span's fields with their values as text, in the order they were declared.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The value of the span field `name`, as text.
    pub fn field(&self, name: &str) -> Option<&str> {
        lookup(&self.fields, name)
    }
}

/// One captured record: level, target, message, structured fields and, for `tracing`, the
/// chain of spans it was emitted in.
///
/// ```
/// # #[cfg(feature = "log")] {
/// use testrig::log::{Level, LogCapture};
///
/// let logs = LogCapture::start();
/// log::warn!(target: "billing", attempt = 2; "retrying charge");
/// let records = logs.records();
/// assert_eq!(records[0].level(), Level::Warn);
/// assert_eq!(records[0].target(), "billing");
/// assert_eq!(records[0].message(), "retrying charge");
/// assert_eq!(records[0].field("attempt"), Some("2"));
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub(crate) level: Level,
    pub(crate) target: String,
    pub(crate) message: String,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) spans: Vec<SpanRecord>,
    pub(crate) source: Source,
    pub(crate) module_path: Option<String>,
    pub(crate) file: Option<String>,
    pub(crate) line: Option<u32>,
    pub(crate) thread: Option<String>,
}

impl Record {
    /// How severe the record is.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The target: the module path by default, or what `target: "..."` set.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The formatted message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The record's own structured fields (`log` key-values, `tracing` event fields other
    /// than the message), values as text, in the order they were written.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The value of the field `name`, as text: the record's own field, or else the field of the
    /// innermost span around it that has one. So a request id recorded on a request span is a
    /// field of every record logged inside that request.
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// use testrig::log::LogCapture;
    ///
    /// let logs = LogCapture::start();
    /// tracing::info_span!("request", request_id = 42).in_scope(|| tracing::info!("accepted"));
    /// assert_eq!(logs.records()[0].field("request_id"), Some("42"));
    /// # }
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        lookup(&self.fields, name).or_else(|| self.spans.iter().rev().find_map(|s| s.field(name)))
    }

    /// The spans the record was emitted in, outermost first (empty for `log` records).
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// use testrig::log::LogCapture;
    ///
    /// let logs = LogCapture::start();
    /// let outer = tracing::info_span!("request", id = 7);
    /// let inner = outer.in_scope(|| tracing::debug_span!("query"));
    /// inner.in_scope(|| tracing::info!("done"));
    /// let spans = logs.records()[0].spans().to_vec();
    /// assert_eq!(spans[0].name(), "request");
    /// assert_eq!(spans[0].field("id"), Some("7"));
    /// assert_eq!(spans[1].name(), "query");
    /// # }
    /// ```
    pub fn spans(&self) -> &[SpanRecord] {
        &self.spans
    }

    /// Which facade the record came through.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The module that logged it, when the facade knows.
    pub fn module_path(&self) -> Option<&str> {
        self.module_path.as_deref()
    }

    /// The source file and line that logged it, when the facade knows.
    pub fn location(&self) -> Option<(&str, u32)> {
        Some((self.file.as_deref()?, self.line?))
    }

    /// The name of the thread that logged it, if the thread has one.
    pub fn thread(&self) -> Option<&str> {
        self.thread.as_deref()
    }
}

impl fmt::Display for Record {
    /// One line: `WARN  billing: retrying charge attempt=2 [request{id=7}]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<5} {}: {}", self.level, self.target, self.message)?;
        for (k, v) in &self.fields {
            write!(f, " {k}={v}")?;
        }
        if !self.spans.is_empty() {
            f.write_str(" [")?;
            for (i, span) in self.spans.iter().enumerate() {
                if i > 0 {
                    f.write_str(" > ")?;
                }
                f.write_str(span.name)?;
                if !span.fields.is_empty() {
                    f.write_str("{")?;
                    for (j, (k, v)) in span.fields.iter().enumerate() {
                        write!(f, "{}{k}={v}", if j > 0 { " " } else { "" })?;
                    }
                    f.write_str("}")?;
                }
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

fn lookup<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            level: Level::Warn,
            target: "app::db".into(),
            message: "retrying".into(),
            fields: vec![("attempt".into(), "2".into())],
            spans: vec![
                SpanRecord {
                    name: "request",
                    fields: vec![("id".into(), "7".into()), ("attempt".into(), "9".into())],
                },
                SpanRecord {
                    name: "query",
                    fields: vec![],
                },
            ],
            source: Source::Tracing,
            module_path: None,
            file: None,
            line: None,
            thread: None,
        }
    }

    #[test]
    fn displays_on_one_line_with_fields_and_spans() {
        assert_eq!(
            record().to_string(),
            "WARN  app::db: retrying attempt=2 [request{id=7 attempt=9} > query]"
        );
    }

    #[test]
    fn own_fields_shadow_span_fields() {
        let r = record();
        assert_eq!(r.field("attempt"), Some("2"));
        assert_eq!(r.field("id"), Some("7"));
        assert_eq!(r.field("missing"), None);
    }

    #[test]
    fn levels_parse_and_round_trip() {
        for level in Level::ALL {
            assert_eq!(level.as_str().parse::<Level>(), Ok(level));
            assert_eq!(Level::from_u8(level as u8), level);
        }
        assert!("loud".parse::<Level>().is_err());
    }
}
