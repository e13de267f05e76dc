//! The `log` backend: a logger that captures and forwards, installed only where no logger is.
//!
//! `log` has one global logger, set once per process, and no way to read or wrap the logger
//! that is set. So testrig installs its own logger only when none is set yet, and an
//! application that installs its own logger in tests wraps it in [`Capture`] to keep both its
//! output and the capture.

use std::cell::Cell;
use std::sync::{Arc, OnceLock};

use ::log::{LevelFilter, Log, Metadata};

use super::record::{Level, Line, Record, Rendered, Source};
use super::registry;
use crate::core::{self, Change, Key, Slot, Value};

/// A `log` logger that captures records for [`super::LogCapture`] and passes every record on
/// to the logger it wraps.
///
/// Install it in place of the application's logger, wherever the application's tests set one
/// up, so that the application keeps its output and tests keep their capture, whichever runs
/// first:
///
/// ```
/// use testrig::log::{Capture, Level, LogCapture};
///
/// struct AppLogger; // stands for env_logger, simplelog, ...
/// impl log::Log for AppLogger {
///     fn enabled(&self, _: &log::Metadata<'_>) -> bool { true }
///     fn log(&self, record: &log::Record<'_>) { eprintln!("app: {}", record.args()) }
///     fn flush(&self) {}
/// }
///
/// // was: log::set_boxed_logger(Box::new(AppLogger))
/// log::set_boxed_logger(Box::new(Capture::wrap(AppLogger))).unwrap();
/// log::set_max_level(log::LevelFilter::Info);
///
/// let logs = LogCapture::start();
/// log::info!("both see this");
/// logs.assert_contains(Level::Info, "both see this");
/// ```
///
/// Without the wrapper, a logger installed before the first capture starts leaves `log`
/// records uncaptured, and capture failures say so.
#[derive(Debug)]
pub struct Capture<L> {
    inner: L,
    /// `Some(level)` when [`install`] made it: `log`'s max level is then `Trace` for good, so
    /// that captures see every level in whichever order things started, and `inner` gets only
    /// the records the application asked for.
    up_to: Option<LevelFilter>,
}

impl<L: Log> Capture<L> {
    /// Wraps `inner`: records are captured, then handed to `inner` unchanged.
    ///
    /// See [`Capture`] for an example.
    pub fn wrap(inner: L) -> Capture<L> {
        Capture { inner, up_to: None }
    }

    /// Whether `inner` gets records at `level`.
    fn passes(&self, level: ::log::Level) -> bool {
        self.up_to.is_none_or(|up_to| level <= up_to)
    }
}

/// The target of the probe that tells whether the installed logger is a [`Capture`].
const PROBE: &str = "testrig::log::probe";

/// What the probe found: no [`Capture`], one wrapped by hand, or the one [`install`] made.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Probed {
    Nothing,
    Wrapped,
    Installed,
}

thread_local! {
    static PROBED: Cell<Probed> = const { Cell::new(Probed::Nothing) };
}

impl<L: Log> Log for Capture<L> {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        if metadata.target() == PROBE {
            let found = if self.up_to.is_some() {
                Probed::Installed
            } else {
                Probed::Wrapped
            };
            PROBED.with(|p| p.set(found));
            return false;
        }
        registry::active() || (self.passes(metadata.level()) && self.inner.enabled(metadata))
    }

    fn log(&self, record: &::log::Record<'_>) {
        if registry::active() {
            let level = Level::from(record.level());
            registry::deliver(registry::here(), level, || convert(record));
        }
        if self.passes(record.level()) {
            self.inner.log(record);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

/// What testrig's own logger passes records on to: nothing, until [`install`] gives it the
/// application's logger.
#[derive(Debug)]
struct Forward;

/// The application's logger and the max level it was given.
static FORWARD: OnceLock<(&'static dyn Log, LevelFilter)> = OnceLock::new();

/// The application's logger, if it takes records at `level`.
fn forward_to(level: ::log::Level) -> Option<&'static dyn Log> {
    FORWARD
        .get()
        .and_then(|&(logger, up_to)| (level <= up_to).then_some(logger))
}

impl Log for Forward {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        forward_to(metadata.level()).is_some_and(|l| l.enabled(metadata))
    }
    fn log(&self, record: &::log::Record<'_>) {
        if let Some(logger) = forward_to(record.level()) {
            logger.log(record);
        }
    }
    fn flush(&self) {
        if let Some(&(logger, _)) = FORWARD.get() {
            logger.flush();
        }
    }
}

static OURS: Capture<Forward> = Capture {
    inner: Forward,
    up_to: None,
};

/// Installs the application's `log` logger in a test process, whichever comes first: this or
/// the first [`super::LogCapture`]. Use it where tests would call `log::set_boxed_logger`.
///
/// Both orders end the same way: `logger` gets the records at `max_level` or more severe (and
/// still filters for itself), and captures see every level, as they do when no application
/// logger is installed. So a capture's content never depends on which test of the binary ran
/// first; [`super::LogCapture::at_level`] narrows a capture, it is never needed to widen one.
/// `log`'s global max level is `Trace` from then on (in test processes only, where this runs).
///
/// - No logger set yet: installs `logger` wrapped in [`Capture`].
/// - testrig's logger already set (a capture started first): testrig's logger passes the
///   records on to `logger`.
/// - Any other logger already set, or a second `install`: returns the error, and `logger` is
///   not used.
///
/// ```
/// use testrig::log::{Level, LogCapture};
///
/// struct AppLogger;
/// impl log::Log for AppLogger {
///     fn enabled(&self, m: &log::Metadata<'_>) -> bool { m.level() <= log::Level::Info }
///     fn log(&self, r: &log::Record<'_>) {
///         if self.enabled(r.metadata()) { eprintln!("app: {}", r.args()) }
///     }
///     fn flush(&self) {}
/// }
///
/// let logs = LogCapture::start(); // testrig's logger first, the app's second: both work
/// testrig::log::install(Box::new(AppLogger), log::LevelFilter::Info).unwrap();
/// log::debug!("captured, and filtered out by the app's logger");
/// logs.assert_contains(Level::Debug, "captured");
/// ```
///
/// # Errors
///
/// When a logger other than testrig's was set before: `log` allows one per process.
pub fn install(logger: Box<dyn Log>, max_level: LevelFilter) -> Result<(), ::log::SetLoggerError> {
    // Leaked, as `log::set_boxed_logger` does: a logger lives as long as the process.
    let logger: &'static dyn Log = Box::leak(logger);
    let wrapped: &'static Capture<&'static dyn Log> = Box::leak(Box::new(Capture {
        inner: logger,
        up_to: Some(max_level),
    }));
    match ::log::set_logger(wrapped) {
        Ok(()) => {
            ::log::set_max_level(LevelFilter::Trace);
            Ok(())
        }
        Err(err) if ensure() == Backend::Installed => {
            FORWARD.set((logger, max_level)).map_err(|_| err)
        }
        Err(err) => Err(err),
    }
}

fn convert(record: &::log::Record<'_>) -> Record {
    #[derive(Default)]
    struct Fields(Vec<(String, String)>, Rendered);
    impl<'kvs> ::log::kv::VisitSource<'kvs> for Fields {
        fn visit_pair(
            &mut self,
            key: ::log::kv::Key<'kvs>,
            value: ::log::kv::Value<'kvs>,
        ) -> Result<(), ::log::kv::Error> {
            let text = value.to_string();
            self.1
                .push(key.as_str(), &text, value.to_borrowed_str().is_some());
            self.0.push((key.to_string(), text));
            Ok(())
        }
    }
    let mut fields = Fields::default();
    let _ = record.key_values().visit(&mut fields);
    let level = Level::from(record.level());
    let message = record.args().to_string();
    Record {
        level,
        rendered: Line::new(level).finish(record.target(), &message, &(fields.1).0),
        target: record.target().to_owned(),
        message,
        fields: fields.0,
        spans: Vec::new(),
        source: Source::Log,
        module_path: record.module_path().map(str::to_owned),
        file: record.file().map(str::to_owned),
        line: record.line(),
        thread: std::thread::current().name().map(str::to_owned),
    }
}

/// How `log` records reach captures in this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// testrig's own logger is the global one; the max level is `Trace`. The application's
    /// logger, if it was given to [`install`] later, gets the records it asked for.
    Installed,
    /// [`install`] came first: the application's logger in a [`Capture`] that keeps the max
    /// level at `Trace`, as `Installed` does.
    Adopted,
    /// The application installed its logger wrapped in [`Capture`] by hand, and sets the max
    /// level itself.
    Wrapped,
    /// The application installed a logger of its own: `log` records cannot be captured.
    Foreign,
}

/// Installs testrig's logger if no logger is set, and tells how records reach captures.
pub(crate) fn ensure() -> Backend {
    static BACKEND: OnceLock<Backend> = OnceLock::new();
    *BACKEND.get_or_init(|| {
        if ::log::set_logger(&OURS).is_ok() {
            ::log::set_max_level(LevelFilter::Trace);
            return Backend::Installed;
        }
        // The set logger is final now; ask it whether it is a `Capture`.
        PROBED.with(|p| p.set(Probed::Nothing));
        let probe = Metadata::builder()
            .target(PROBE)
            .level(::log::Level::Trace)
            .build();
        ::log::logger().enabled(&probe);
        match PROBED.with(Cell::get) {
            Probed::Installed => {
                // `install` sets it too, right after its logger; a capture that starts in
                // between must not log at the level `log` starts with (`Off`).
                ::log::set_max_level(LevelFilter::Trace);
                Backend::Adopted
            }
            Probed::Wrapped => Backend::Wrapped,
            Probed::Nothing => Backend::Foreign,
        }
    })
}

/// Why a capture may miss `log` records, if it may.
pub(crate) fn note(backend: Backend) -> Option<String> {
    (backend == Backend::Foreign).then(|| {
        "`log` records are not captured: the application set its own `log` logger before \
         the first capture started, and `log` cannot wrap a logger once it is set. Install it \
         wrapped instead: `log::set_boxed_logger(Box::new(testrig::log::Capture::wrap(logger)))`, \
         or with `testrig::log::install(Box::new(logger), level)`. (When that logger is \
         tracing-log's `LogTracer`, `log` records arrive as `tracing` events instead, and are \
         captured where the subscriber has testrig's layer.)"
            .to_owned()
    })
}

/// Raises `log`'s global max level to at least `level` until the guard drops, when the
/// application's logger decides the max level. Goes through the guard core, so that a test
/// lowering it back never cuts off another test that still needs it.
#[track_caller]
pub(crate) fn raise_max_level(backend: Backend, level: Level) -> Option<core::Guard> {
    if backend != Backend::Wrapped {
        // `Installed` and `Adopted` keep `Trace` for good; a foreign logger gives no records.
        return None;
    }
    let wanted = ::log::Level::from(level).to_level_filter();
    Some(core::patch_one(Change::compute(
        Key::LogLevel,
        &MaxLevelSlot,
        move |visible| {
            let current = match visible {
                Value::Any(v) => v.downcast_ref::<LevelFilter>().copied(),
                _ => None,
            };
            Ok(Value::Any(Arc::new(
                current.map_or(wanted, |c| c.max(wanted)),
            )))
        },
    )))
}

struct MaxLevelSlot;

impl Slot for MaxLevelSlot {
    fn read(&self, _key: &Key) -> Value {
        Value::Any(Arc::new(::log::max_level()))
    }

    fn write(&self, _key: &Key, value: &Value) -> std::io::Result<()> {
        if let Value::Any(v) = value
            && let Some(level) = v.downcast_ref::<LevelFilter>()
        {
            ::log::set_max_level(*level);
        }
        Ok(())
    }
}
