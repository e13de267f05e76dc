//! An application's own `tracing` layer, for the test binaries that set a subscriber: it
//! counts the events it sees, so a test can check the application still gets them.

use std::sync::atomic::{AtomicUsize, Ordering};

static APP_EVENTS: AtomicUsize = AtomicUsize::new(0);

/// Counts every event.
pub(crate) struct AppLayer;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for AppLayer {
    fn on_event(&self, _: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        APP_EVENTS.fetch_add(1, Ordering::SeqCst);
    }
}

/// Events the application's layer has seen so far.
pub(crate) fn app_events() -> usize {
    APP_EVENTS.load(Ordering::SeqCst)
}
