//! Request expectations: what a test says the server should have received.

use std::fmt;

use serde_json::Value;

/// A description of requests the server should have received, built with [`get`], [`post`],
/// [`put`], [`patch`], [`delete`] or [`request`] and refined field by field.
///
/// Every refinement narrows the requests that match; the count (once, unless
/// [`times`](Self::times), [`at_least`](Self::at_least) or [`never`](Self::never) says
/// otherwise) is checked against the number of received requests that match.
///
/// ```
/// use testrig::http::{json, post};
///
/// let expectation = post("/logs")
///     .query("source", "app")
///     .header("content-type", "application/json")
///     .json_includes(json!({"level": "warn"}))
///     .times(2);
/// assert_eq!(
///     expectation.to_string(),
///     "2 × POST /logs ?source=app, header content-type: application/json, \
///      json includes {\"level\":\"warn\"}"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use = "an expectation checks nothing on its own; pass it to `assert_received` or `wait_for`"]
pub struct Expectation {
    pub(crate) method: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) count: Count,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    Text(String),
    Json(Value),
    JsonIncludes(Value),
}

/// How many matching requests an [`Expectation`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Count {
    /// Exactly this many.
    Exactly(usize),
    /// This many or more.
    AtLeast(usize),
}

impl Count {
    pub(crate) fn accepts(self, n: usize) -> bool {
        match self {
            Count::Exactly(want) => n == want,
            Count::AtLeast(want) => n >= want,
        }
    }

    /// The number of matching requests after which waiting can stop.
    pub(crate) fn target(self) -> usize {
        match self {
            Count::Exactly(n) | Count::AtLeast(n) => n,
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Count::Exactly(1) => f.write_str("1 request"),
            Count::Exactly(n) => write!(f, "{n} requests"),
            Count::AtLeast(1) => f.write_str("at least 1 request"),
            Count::AtLeast(n) => write!(f, "at least {n} requests"),
        }
    }
}

/// Any request with this method and exact path (no query; add it with
/// [`Expectation::query`]). The method is compared case-insensitively.
///
/// ```
/// let options = testrig::http::request("OPTIONS", "/items");
/// assert_eq!(options.to_string(), "OPTIONS /items");
/// ```
///
/// # Panics
///
/// When `method` is empty or has characters a method cannot have.
#[track_caller]
pub fn request(method: impl AsRef<str>, path: impl Into<String>) -> Expectation {
    let method = method.as_ref();
    if wiremock::http::Method::from_bytes(method.as_bytes()).is_err() {
        panic!(
            "testrig::http: {method:?} is not an HTTP method; write it as `\"GET\"`, `\"OPTIONS\"`, …"
        );
    }
    Expectation {
        method: Some(method.to_ascii_uppercase()),
        path: Some(checked_path(path.into())),
        query: Vec::new(),
        headers: Vec::new(),
        body: None,
        count: Count::Exactly(1),
    }
}

/// A `GET` of `path`.
///
/// ```
/// assert_eq!(testrig::http::get("/health").to_string(), "GET /health");
/// ```
#[track_caller]
pub fn get(path: impl Into<String>) -> Expectation {
    request("GET", path)
}

/// A `POST` to `path`.
///
/// ```
/// assert_eq!(testrig::http::post("/items").to_string(), "POST /items");
/// ```
#[track_caller]
pub fn post(path: impl Into<String>) -> Expectation {
    request("POST", path)
}

/// A `PUT` to `path`.
///
/// ```
/// assert_eq!(testrig::http::put("/items/1").to_string(), "PUT /items/1");
/// ```
#[track_caller]
pub fn put(path: impl Into<String>) -> Expectation {
    request("PUT", path)
}

/// A `PATCH` of `path`.
///
/// ```
/// assert_eq!(testrig::http::patch("/items/1").to_string(), "PATCH /items/1");
/// ```
#[track_caller]
pub fn patch(path: impl Into<String>) -> Expectation {
    request("PATCH", path)
}

/// A `DELETE` of `path`.
///
/// ```
/// assert_eq!(testrig::http::delete("/items/1").to_string(), "DELETE /items/1");
/// ```
#[track_caller]
pub fn delete(path: impl Into<String>) -> Expectation {
    request("DELETE", path)
}

impl Expectation {
    /// Any method, any path: refine it with the other methods.
    ///
    /// ```
    /// let anything = testrig::http::Expectation::any().header("x-trace", "on");
    /// assert_eq!(anything.to_string(), "any request, header x-trace: on");
    /// ```
    pub fn any() -> Self {
        Expectation {
            method: None,
            path: None,
            ..request("GET", "/")
        }
    }

    /// The query string has `key` with `value` (other parameters may be present too).
    ///
    /// ```
    /// let e = testrig::http::get("/search").query("q", "rust");
    /// assert_eq!(e.to_string(), "GET /search ?q=rust");
    /// ```
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// The request carries header `name` (case-insensitive) with exactly `value`
    /// (one of its values, when it is sent more than once).
    ///
    /// ```
    /// let e = testrig::http::get("/me").header("Authorization", "Bearer t0ken");
    /// assert_eq!(e.to_string(), "GET /me, header authorization: Bearer t0ken");
    /// ```
    ///
    /// # Panics
    ///
    /// When `name` is not a valid header name (empty, or with spaces or `:`).
    #[track_caller]
    pub fn header(mut self, name: impl AsRef<str>, value: impl Into<String>) -> Self {
        let name = name.as_ref();
        if wiremock::http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            panic!(
                "testrig::http: {name:?} is not a valid header name; give the bare name, \
                 e.g. `.header(\"content-type\", \"application/json\")`"
            );
        }
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// The body is exactly this text.
    ///
    /// ```
    /// let e = testrig::http::put("/note").body("hello");
    /// assert_eq!(e.to_string(), "PUT /note, body \"hello\"");
    /// ```
    pub fn body(mut self, text: impl Into<String>) -> Self {
        self.body = Some(Body::Text(text.into()));
        self
    }

    /// The body is JSON equal to `value` (key order and whitespace do not matter).
    ///
    /// ```
    /// use testrig::http::{json, post};
    /// let e = post("/items").json(json!({"id": 1}));
    /// assert_eq!(e.to_string(), "POST /items, json {\"id\":1}");
    /// ```
    ///
    /// # Panics
    ///
    /// When `value` cannot be turned into JSON (a map with non-string keys, say).
    #[track_caller]
    pub fn json(mut self, value: impl serde::Serialize) -> Self {
        self.body = Some(Body::Json(to_json(value)));
        self
    }

    /// The body is JSON that includes `value`: every key of an expected object is present
    /// with an including value, extra keys are fine; arrays have the same length and include
    /// element by element; other values are equal.
    ///
    /// ```
    /// use testrig::http::{json, post};
    /// let e = post("/items").json_includes(json!({"tags": ["a"]}));
    /// assert_eq!(e.to_string(), "POST /items, json includes {\"tags\":[\"a\"]}");
    /// ```
    ///
    /// # Panics
    ///
    /// When `value` cannot be turned into JSON.
    #[track_caller]
    pub fn json_includes(mut self, value: impl serde::Serialize) -> Self {
        self.body = Some(Body::JsonIncludes(to_json(value)));
        self
    }

    /// Exactly `n` matching requests (the default is exactly one).
    ///
    /// ```
    /// assert_eq!(testrig::http::get("/").times(3).to_string(), "3 × GET /");
    /// ```
    pub fn times(mut self, n: usize) -> Self {
        self.count = Count::Exactly(n);
        self
    }

    /// `n` or more matching requests.
    ///
    /// ```
    /// assert_eq!(testrig::http::get("/").at_least(1).to_string(), "≥1 × GET /");
    /// ```
    pub fn at_least(mut self, n: usize) -> Self {
        self.count = Count::AtLeast(n);
        self
    }

    /// No matching request at all.
    ///
    /// ```
    /// assert_eq!(testrig::http::delete("/db").never().to_string(), "0 × DELETE /db");
    /// ```
    pub fn never(self) -> Self {
        self.times(0)
    }

    /// The count this expectation asks for.
    ///
    /// ```
    /// use testrig::http::{Count, get};
    /// assert_eq!(get("/").count(), Count::Exactly(1));
    /// ```
    pub fn count(&self) -> Count {
        self.count
    }

    /// The request line part of the description, without the count.
    pub(crate) fn describe(&self) -> String {
        let mut out = match (&self.method, &self.path) {
            (Some(m), Some(p)) => format!("{m} {p}"),
            (Some(m), None) => format!("{m} any path"),
            (None, Some(p)) => format!("any method {p}"),
            (None, None) => "any request".to_owned(),
        };
        if !self.query.is_empty() {
            let pairs: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!(" ?{}", pairs.join("&")));
        }
        for (name, value) in &self.headers {
            out.push_str(&format!(", header {name}: {value}"));
        }
        match &self.body {
            None => {}
            Some(Body::Text(t)) => out.push_str(&format!(", body {t:?}")),
            Some(Body::Json(v)) => out.push_str(&format!(", json {v}")),
            Some(Body::JsonIncludes(v)) => out.push_str(&format!(", json includes {v}")),
        }
        out
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.count {
            Count::Exactly(1) => {}
            Count::Exactly(n) => write!(f, "{n} × ")?,
            Count::AtLeast(n) => write!(f, "≥{n} × ")?,
        }
        f.write_str(&self.describe())
    }
}

#[track_caller]
fn checked_path(path: String) -> String {
    if let Some((bare, query)) = path.split_once('?') {
        panic!(
            "testrig::http: the path {path:?} has a query string, which never matches a path; \
             write `{bare:?}` and add the parameters with `.query(..)` (here: {query:?})"
        );
    }
    if !path.starts_with('/') {
        panic!("testrig::http: the path {path:?} does not start with `/`; write \"/{path}\"");
    }
    path
}

#[track_caller]
fn to_json(value: impl serde::Serialize) -> Value {
    match serde_json::to_value(value) {
        Ok(v) => v,
        Err(e) => panic!(
            "testrig::http: the expected body cannot be turned into JSON ({e}); \
             pass a `serde_json::Value` built with `json!`"
        ),
    }
}
