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
    /// The record rendered on one line; see [`Record::line`].
    pub(crate) rendered: String,
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

    /// The record on one line, in the order of tracing-subscriber's `fmt` output without its
    /// timestamp: level, spans (outermost first, each `name{fields}:`), target, message, then
    /// the record's own fields as `key=value`. String values are quoted and escaped as Rust's
    /// `Debug` writes them (`user="ada"`); numbers, booleans and `%`/`?` values are written
    /// as they format (`attempt=2`). This is what [`LogCapture::lines`] returns,
    /// [`LogCapture::assert_line_contains`] searches, and failure messages list.
    ///
    /// [`LogCapture::lines`]: super::LogCapture::lines
    /// [`LogCapture::assert_line_contains`]: super::LogCapture::assert_line_contains
    ///
    /// ```
    /// # #[cfg(feature = "tracing")] {
    /// use testrig::log::LogCapture;
    ///
    /// let logs = LogCapture::start();
    /// tracing::info_span!("request", id = 7).in_scope(|| {
    ///     tracing::warn!(target: "app::db", user = "ada", attempt = 2, "retrying");
    /// });
    /// assert_eq!(
    ///     logs.records()[0].line(),
    ///     r#"WARN request{id=7}: app::db: retrying user="ada" attempt=2"#
    /// );
    /// # }
    /// ```
    pub fn line(&self) -> &str {
        &self.rendered
    }
}

impl fmt::Display for Record {
    /// The rendered line, [`Record::line`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

/// Builds a record's rendered line ([`Record::line`]) from its parts, as the backends see them.
pub(crate) struct Line {
    out: String,
    spans: bool,
}

impl Line {
    pub(crate) fn new(level: Level) -> Line {
        let mut out = String::with_capacity(64);
        out.push_str(level.as_str());
        out.push(' ');
        Line { out, spans: false }
    }

    /// Adds a span; `fields` is its [`Rendered`] text.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn span(&mut self, name: &str, fields: &str) {
        self.out.push_str(name);
        if !fields.is_empty() {
            self.out.push('{');
            self.out.push_str(fields);
            self.out.push('}');
        }
        self.out.push(':');
        self.spans = true;
    }

    pub(crate) fn finish(mut self, target: &str, message: &str, fields: &str) -> String {
        if self.spans {
            self.out.push(' ');
        }
        self.out.push_str(target);
        self.out.push_str(": ");
        self.out.push_str(message);
        if !message.is_empty() && !fields.is_empty() {
            self.out.push(' ');
        }
        self.out.push_str(fields);
        self.out
    }
}

/// Fields rendered as tracing-subscriber's `fmt` writes them: `key=value` separated by spaces,
/// string values in `Debug` quotes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered(pub(crate) String);

impl Rendered {
    pub(crate) fn push(&mut self, key: &str, value: &str, is_str: bool) {
        use fmt::Write as _;
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        self.0.push_str(key.strip_prefix("r#").unwrap_or(key));
        self.0.push('=');
        if is_str {
            let _ = write!(self.0, "{value:?}");
        } else {
            self.0.push_str(value);
        }
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
            rendered: String::new(),
        }
    }

    #[test]
    fn renders_in_fmt_order_with_strings_quoted() {
        let mut line = Line::new(Level::Warn);
        let mut span = Rendered::default();
        span.push("id", "7", false);
        span.push("user", "ada \"the\" first", true);
        line.span("request", &span.0);
        line.span("query", "");
        let mut fields = Rendered::default();
        fields.push("attempt", "2", false);
        fields.push("r#type", "x", true);
        assert_eq!(
            line.finish("app::db", "retrying", &fields.0),
            r#"WARN request{id=7 user="ada \"the\" first"}:query: app::db: retrying attempt=2 type="x""#
        );
        let bare = Line::new(Level::Info).finish("app", "", "");
        assert_eq!(bare, "INFO app: ");
        let mut only_fields = Rendered::default();
        only_fields.push("k", "v", true);
        assert_eq!(
            Line::new(Level::Error).finish("app", "", &only_fields.0),
            r#"ERROR app: k="v""#
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
