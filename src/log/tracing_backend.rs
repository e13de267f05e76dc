//! The `tracing` backend: a [`Layer`] that captures events with their span chain.
//!
//! When no global subscriber is set, the first capture installs `Registry` + [`CaptureLayer`]
//! as the global default. An application that sets its own subscriber adds the layer to it
//! (`.with(testrig::log::layer())`); a test that sets a scoped subscriber of its own
//! (`tracing::subscriber::set_default`, `with_default`) uses [`subscriber`] or adds the layer.
//!
//! Every span remembers which test created it, so events inside it belong to that test even
//! on threads that carry no context: tasks spawned with `.in_current_span()` or
//! `.instrument(span)` follow the test without anything else.

use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use ::tracing::field::{Field, Visit};
use ::tracing::span::{Attributes, Id, Record as Values};
use ::tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

use super::record::{Level, Line, Record, Rendered, Source, SpanRecord};
use super::registry::{self, Attr};

/// A `tracing_subscriber` layer that captures events for [`super::LogCapture`].
///
/// Add it to the subscriber the application or the test suite sets up, beside its other
/// layers; it changes nothing for them:
///
/// ```
/// use testrig::log::{Level, LogCapture};
/// use tracing_subscriber::prelude::*;
///
/// // e.g. beside `tracing_subscriber::fmt::layer().with_test_writer()`
/// tracing_subscriber::registry().with(testrig::log::layer()).init();
///
/// let logs = LogCapture::start();
/// tracing::warn!(attempt = 2, "retrying");
/// logs.assert_contains(Level::Warn, "retrying");
/// assert_eq!(logs.records()[0].field("attempt"), Some("2"));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct CaptureLayer {
    _private: (),
}

/// The layer to add to a subscriber so that [`super::LogCapture`] sees its events.
///
/// See [`CaptureLayer`] for an example.
pub fn layer() -> CaptureLayer {
    CaptureLayer { _private: () }
}

/// A subscriber that only captures: `Registry` with [`CaptureLayer`]. testrig installs it as
/// the global default when no subscriber is set; use it for a scoped default when the global
/// one is the application's and lacks the layer.
///
/// ```
/// use testrig::log::{Level, LogCapture};
///
/// let _scoped = tracing::subscriber::set_default(testrig::log::subscriber());
/// let logs = LogCapture::start();
/// tracing::error!("seen by the scoped subscriber");
/// logs.assert_contains(Level::Error, "seen by the scoped");
/// ```
pub fn subscriber() -> impl Subscriber + Send + Sync + 'static {
    tracing_subscriber::registry().with(layer())
}

/// Kept in a span's extensions: who created it and its fields (with whether each value was a
/// string, for the rendered line).
struct SpanData {
    attr: Attr,
    fields: Vec<(String, String)>,
    strings: Vec<bool>,
}

impl SpanData {
    fn rendered(&self) -> Rendered {
        let mut out = Rendered::default();
        for ((k, v), is_str) in self.fields.iter().zip(&self.strings) {
            out.push(k, v, *is_str);
        }
        out
    }
}

impl<S> Layer<S> for CaptureLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let attr = registry::explicit()
            .or_else(|| {
                let parent = span.parent()?;
                let ext = parent.extensions();
                ext.get::<SpanData>().map(|d| d.attr)
            })
            .or_else(registry::inferred)
            .unwrap_or_else(registry::this_thread);
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        span.extensions_mut().insert(SpanData {
            attr,
            fields: fields.fields,
            strings: fields.strings,
        });
    }

    fn on_record(&self, id: &Id, values: &Values<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Fields::default();
        values.record(&mut fields);
        let mut ext = span.extensions_mut();
        if let Some(data) = ext.get_mut::<SpanData>() {
            for ((k, v), is_str) in fields.fields.into_iter().zip(fields.strings) {
                match data.fields.iter().position(|(name, _)| *name == k) {
                    Some(at) => {
                        data.fields[at].1 = v;
                        data.strings[at] = is_str;
                    }
                    None => {
                        data.fields.push((k, v));
                        data.strings.push(is_str);
                    }
                }
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if !registry::active() {
            return;
        }
        let metadata = event.metadata();
        let level = Level::from(*metadata.level());
        let attr = registry::explicit()
            .or_else(|| {
                let span = ctx.event_span(event)?;
                let ext = span.extensions();
                ext.get::<SpanData>().map(|d| d.attr)
            })
            .or_else(registry::inferred)
            .unwrap_or_else(registry::this_thread);
        registry::deliver(attr, level, || {
            let mut fields = Fields::default();
            event.record(&mut fields);
            let mut line = Line::new(level);
            let spans = ctx
                .event_scope(event)
                .map(|scope| {
                    scope
                        .from_root()
                        .map(|span| {
                            let ext = span.extensions();
                            let data = ext.get::<SpanData>();
                            line.span(
                                span.name(),
                                &data.map(SpanData::rendered).unwrap_or_default().0,
                            );
                            SpanRecord {
                                name: span.name(),
                                fields: data.map(|d| d.fields.clone()).unwrap_or_default(),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            // Records bridged from `log` by `tracing-log` carry their origin in `log.*` fields.
            let target = fields
                .log_target
                .take()
                .unwrap_or_else(|| metadata.target().to_owned());
            Record {
                level,
                rendered: line.finish(&target, &fields.message, &fields.rendered.0),
                target,
                message: fields.message,
                fields: fields.fields,
                spans,
                source: Source::Tracing,
                module_path: fields
                    .log_module_path
                    .or_else(|| metadata.module_path().map(str::to_owned)),
                file: fields
                    .log_file
                    .or_else(|| metadata.file().map(str::to_owned)),
                line: fields.log_line.or(metadata.line()),
                thread: std::thread::current().name().map(str::to_owned),
            }
        });
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    fields: Vec<(String, String)>,
    /// Whether each of `fields` was recorded as a string.
    strings: Vec<bool>,
    rendered: Rendered,
    log_target: Option<String>,
    log_module_path: Option<String>,
    log_file: Option<String>,
    log_line: Option<u32>,
}

impl Fields {
    fn push(&mut self, field: &Field, value: String, is_str: bool) {
        match field.name() {
            "message" => self.message = value,
            "log.target" => self.log_target = Some(value),
            "log.module_path" => self.log_module_path = Some(value),
            "log.file" => self.log_file = Some(value),
            "log.line" => self.log_line = value.parse().ok(),
            name => {
                self.rendered.push(name, &value, is_str);
                self.fields.push((name.to_owned(), value));
                self.strings.push(is_str);
            }
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, value.to_owned(), true);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        self.push(field, text, false);
    }
}

/// Installs the capture-only subscriber as the global default if none is set, and says why a
/// capture started on this thread may miss `tracing` events, if it may.
pub(crate) fn ensure() -> Option<String> {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        if !::tracing::dispatcher::has_been_set() {
            // Losing a race with the application's own `set_global_default` is fine: the
            // check below then reports it.
            let _ = ::tracing::subscriber::set_global_default(subscriber());
        }
    });
    let seen = ::tracing::dispatcher::get_default(|d| d.downcast_ref::<CaptureLayer>().is_some());
    (!seen).then(|| {
        "`tracing` events are not captured on the thread that started the capture: its \
         subscriber (the global default, or a scoped one such as test-log's) has no testrig \
         layer. Add `.with(testrig::log::layer())` to that subscriber, or set \
         `tracing::subscriber::set_default(testrig::log::subscriber())` in the test."
            .to_owned()
    })
}
