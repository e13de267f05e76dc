//! Responders beyond wiremock's single template.

use std::sync::atomic::{AtomicUsize, Ordering};

use wiremock::{Request, Respond, ResponseTemplate};

/// Answers with `templates` in order, one per request, then keeps answering with the last one.
///
/// Use [`Sequence::then`] to answer differently once the list is used up, e.g. a 500 that
/// makes a client which calls too often fail loudly. An empty list answers 500 from the start.
///
/// ```
/// use testrig::http::{Mock, ResponseTemplate, matchers::path, sequence};
///
/// // a flaky endpoint: two 503s, then 200 for every later call
/// let flaky = Mock::given(path("/data")).respond_with(sequence([
///     ResponseTemplate::new(503),
///     ResponseTemplate::new(503),
///     ResponseTemplate::new(200),
/// ]));
/// # drop(flaky);
/// ```
pub fn sequence(templates: impl IntoIterator<Item = ResponseTemplate>) -> Sequence {
    Sequence {
        templates: templates.into_iter().collect(),
        after: None,
        next: AtomicUsize::new(0),
    }
}

/// The responder built by [`sequence`].
#[derive(Debug)]
#[must_use = "a responder does nothing until passed to `respond_with`"]
pub struct Sequence {
    templates: Vec<ResponseTemplate>,
    after: Option<ResponseTemplate>,
    next: AtomicUsize,
}

impl Sequence {
    /// Once every template was used, answer with `template` instead of repeating the last.
    ///
    /// ```
    /// use testrig::http::{ResponseTemplate, sequence};
    /// let once = sequence([ResponseTemplate::new(200)]).then(ResponseTemplate::new(500));
    /// # drop(once);
    /// ```
    pub fn then(mut self, template: ResponseTemplate) -> Self {
        self.after = Some(template);
        self
    }
}

impl Respond for Sequence {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if let Some(t) = self.templates.get(i) {
            return t.clone();
        }
        match (&self.after, self.templates.last()) {
            (Some(after), _) => after.clone(),
            (None, Some(last)) => last.clone(),
            (None, None) => ResponseTemplate::new(500)
                .set_body_string("testrig: the response sequence is empty"),
        }
    }
}
