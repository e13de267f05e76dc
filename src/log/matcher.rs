//! What an assertion looks for in the captured records.

use std::fmt;

use super::record::{Level, Record, Source};

/// A description of records: level, text in the message, target, field values, facade. Every
/// part left out matches anything.
///
/// Assertions take `impl Into<Matcher>`, so `(Level::Warn, "retrying")`, a bare `"text"` and a
/// bare `Level` work too.
///
/// ```
/// # #[cfg(feature = "log")] {
/// use testrig::log::{Level, LogCapture, Matcher};
///
/// let logs = LogCapture::start();
/// log::warn!(target: "billing::charge", attempt = 2; "retrying charge");
///
/// logs.assert_logged(
///     Matcher::new()
///         .level(Level::Warn)
///         .containing("retrying")
///         .target("billing") // a target, or a module above it
///         .field("attempt", "2"),
/// );
/// logs.assert_logged((Level::Warn, "charge"));
/// logs.assert_not_logged(Level::Error);
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use = "a matcher does nothing until it is passed to an assertion"]
pub struct Matcher {
    level: Option<Level>,
    text: Option<String>,
    target: Option<String>,
    fields: Vec<(String, String)>,
    source: Option<Source>,
}

impl Matcher {
    /// Matches every record.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// let logs = testrig::log::LogCapture::start();
    /// log::info!("one");
    /// log::debug!("two");
    /// logs.assert_count(testrig::log::Matcher::new(), 2);
    /// # }
    /// ```
    pub fn new() -> Matcher {
        Matcher::default()
    }

    /// Only records at exactly `level`.
    pub fn level(mut self, level: impl Into<Level>) -> Matcher {
        self.level = Some(level.into());
        self
    }

    /// Only records whose message contains `text`.
    pub fn containing(mut self, text: impl Into<String>) -> Matcher {
        self.text = Some(text.into());
        self
    }

    /// Only records whose target is `target` or a module below it: `"app"` matches `app`
    /// and `app::db`, not `application`.
    pub fn target(mut self, target: impl Into<String>) -> Matcher {
        self.target = Some(target.into());
        self
    }

    /// Only records where [`Record::field`] gives `value` for `name` (the record's own field
    /// or one of a span around it). Values compare as text, so numbers are written as `"2"`.
    pub fn field(mut self, name: impl Into<String>, value: impl fmt::Display) -> Matcher {
        self.fields.push((name.into(), value.to_string()));
        self
    }

    /// Only records that came through `source` (`log` or `tracing`).
    pub fn source(mut self, source: Source) -> Matcher {
        self.source = Some(source);
        self
    }

    /// Whether `record` is one of the records this matcher describes.
    ///
    /// ```
    /// # #[cfg(feature = "log")] {
    /// use testrig::log::{Level, LogCapture, Matcher};
    ///
    /// let logs = LogCapture::start();
    /// log::info!("ready");
    /// assert!(Matcher::new().level(Level::Info).matches(&logs.records()[0]));
    /// assert!(!Matcher::new().containing("steady").matches(&logs.records()[0]));
    /// # }
    /// ```
    pub fn matches(&self, record: &Record) -> bool {
        self.level.is_none_or(|l| record.level == l)
            && self
                .text
                .as_ref()
                .is_none_or(|t| record.message.contains(t.as_str()))
            && self.target.as_ref().is_none_or(|t| {
                record.target == *t
                    || record
                        .target
                        .strip_prefix(t.as_str())
                        .is_some_and(|rest| rest.starts_with("::"))
            })
            && self
                .fields
                .iter()
                .all(|(k, v)| record.field(k) == Some(v.as_str()))
            && self.source.is_none_or(|s| record.source == s)
    }
}

impl fmt::Display for Matcher {
    /// Reads as a phrase: `a WARN record containing "retrying" with target `billing``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.level {
            // The article goes by sound: "an ERROR", "an INFO", "a WARN".
            Some(level @ (Level::Error | Level::Info)) => write!(f, "an {level} record")?,
            Some(level) => write!(f, "a {level} record")?,
            None => f.write_str("a record")?,
        }
        if let Some(source) = self.source {
            write!(f, " from {source:?}")?;
        }
        if let Some(text) = &self.text {
            write!(f, " containing {text:?}")?;
        }
        if let Some(target) = &self.target {
            write!(f, " with target `{target}`")?;
        }
        for (i, (k, v)) in self.fields.iter().enumerate() {
            let and = if i == 0 { " with field" } else { " and" };
            write!(f, "{and} {k}={v}")?;
        }
        Ok(())
    }
}

impl<L: Into<Level>, T: Into<String>> From<(L, T)> for Matcher {
    fn from((level, text): (L, T)) -> Matcher {
        Matcher::new().level(level).containing(text)
    }
}

impl From<&str> for Matcher {
    fn from(text: &str) -> Matcher {
        Matcher::new().containing(text)
    }
}

impl From<String> for Matcher {
    fn from(text: String) -> Matcher {
        Matcher::new().containing(text)
    }
}

impl From<Level> for Matcher {
    fn from(level: Level) -> Matcher {
        Matcher::new().level(level)
    }
}

impl From<&Matcher> for Matcher {
    fn from(m: &Matcher) -> Matcher {
        m.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(level: Level, target: &str, message: &str) -> Record {
        Record {
            level,
            target: target.into(),
            message: message.into(),
            fields: vec![("attempt".into(), "2".into())],
            spans: vec![],
            source: Source::Log,
            module_path: None,
            file: None,
            line: None,
            thread: None,
            rendered: String::new(),
        }
    }

    #[test]
    fn target_matches_itself_and_modules_below_only() {
        let m = Matcher::new().target("app");
        assert!(m.matches(&record(Level::Info, "app", "x")));
        assert!(m.matches(&record(Level::Info, "app::db", "x")));
        assert!(!m.matches(&record(Level::Info, "application", "x")));
        assert!(!m.matches(&record(Level::Info, "other::app", "x")));
    }

    #[test]
    fn every_part_must_match() {
        let r = record(Level::Warn, "app", "retrying soon");
        assert!(Matcher::from((Level::Warn, "retrying")).matches(&r));
        assert!(!Matcher::from((Level::Error, "retrying")).matches(&r));
        assert!(!Matcher::from((Level::Warn, "giving up")).matches(&r));
        assert!(Matcher::new().field("attempt", 2).matches(&r));
        assert!(!Matcher::new().field("attempt", 3).matches(&r));
        assert!(!Matcher::new().source(Source::Tracing).matches(&r));
    }

    #[test]
    fn reads_as_a_phrase() {
        let m = Matcher::from((Level::Warn, "retrying"))
            .target("billing")
            .field("attempt", 2)
            .field("id", "x");
        assert_eq!(
            m.to_string(),
            "a WARN record containing \"retrying\" with target `billing` with field attempt=2 and id=x"
        );
        assert_eq!(Matcher::new().to_string(), "a record");
        let phrase = |level| Matcher::from(level).to_string();
        assert_eq!(phrase(Level::Error), "an ERROR record");
        assert_eq!(phrase(Level::Info), "an INFO record");
        assert_eq!(phrase(Level::Debug), "a DEBUG record");
        assert_eq!(phrase(Level::Trace), "a TRACE record");
    }
}
