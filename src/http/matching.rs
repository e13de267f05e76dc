//! Matching received requests against an expectation, field by field, and the failure reports
//! built from those per-field results.

use std::fmt::Write as _;

use serde_json::Value;
use wiremock::Request;

use super::expect::{Body, Count, Expectation};
use super::headers;

/// The outcome of one field of an expectation against one request.
#[derive(Debug)]
pub(crate) struct Check {
    pub(crate) ok: bool,
    pub(crate) label: String,
    pub(crate) detail: Vec<String>,
}

impl Check {
    fn new(ok: bool, label: String, detail: Vec<String>) -> Self {
        Check { ok, label, detail }
    }
}

pub(crate) fn matches(e: &Expectation, r: &Request) -> bool {
    checks(e, r).iter().all(|c| c.ok)
}

pub(crate) fn checks(e: &Expectation, r: &Request) -> Vec<Check> {
    let mut out = Vec::new();
    if let Some(method) = &e.method {
        let got = r.method.as_str();
        let ok = got.eq_ignore_ascii_case(method);
        out.push(Check::new(
            ok,
            format!("method {method}"),
            got_detail(ok, got),
        ));
    }
    if let Some(path) = &e.path {
        let got = r.url.path();
        let ok = got == path;
        out.push(Check::new(ok, format!("path {path}"), got_detail(ok, got)));
    }
    for (key, value) in &e.query {
        let values: Vec<String> = r
            .url
            .query_pairs()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .collect();
        let ok = values.iter().any(|v| v == value);
        let detail = match (ok, values.is_empty()) {
            (true, _) => Vec::new(),
            (false, true) => vec![format!("absent (query: {:?})", r.url.query().unwrap_or(""))],
            (false, false) => vec![format!("got {key}={}", values.join(", "))],
        };
        out.push(Check::new(ok, format!("query {key}={value}"), detail));
    }
    for (name, value) in &e.headers {
        let values: Vec<String> = r
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let ok = values.iter().any(|v| v == value);
        let detail = if ok {
            Vec::new()
        } else if values.is_empty() {
            // A renamed or misspelt header is the usual cause: show what came instead.
            let similar: Vec<String> = r
                .headers
                .iter()
                .filter(|(sent, _)| headers::similar(name, sent.as_str()))
                .map(|(sent, v)| headers::show(sent.as_str(), v.as_bytes()))
                .collect();
            match similar.is_empty() {
                true => vec!["absent".to_owned()],
                false => vec![format!("absent; got {}", similar.join(", "))],
            }
        } else {
            let sent: Vec<String> = r
                .headers
                .get_all(name.as_str())
                .iter()
                .map(|v| headers::show(name, v.as_bytes()))
                .collect();
            vec![format!("got {}", sent.join(", "))]
        };
        out.push(Check::new(ok, format!("header {name}: {value}"), detail));
    }
    match &e.body {
        None => {}
        Some(Body::Text(text)) => {
            let got = String::from_utf8_lossy(&r.body);
            let ok = got == text.as_str();
            let detail = got_detail(ok, &format!("{:?}", preview(&got, 200)));
            out.push(Check::new(ok, format!("body {text:?}"), detail));
        }
        Some(Body::Json(want)) => out.push(json_check(want, r, false)),
        Some(Body::JsonIncludes(want)) => out.push(json_check(want, r, true)),
    }
    out
}

fn got_detail(ok: bool, got: &str) -> Vec<String> {
    if ok {
        Vec::new()
    } else {
        vec![format!("got {got}")]
    }
}

fn json_check(want: &Value, r: &Request, partial: bool) -> Check {
    let label = if partial {
        format!("json includes {}", compact(want))
    } else {
        format!("json {}", compact(want))
    };
    match serde_json::from_slice::<Value>(&r.body) {
        Err(e) => {
            let text = String::from_utf8_lossy(&r.body);
            let detail = vec![format!(
                "the body is not JSON ({e}): {:?}",
                preview(&text, 200)
            )];
            Check::new(false, label, detail)
        }
        Ok(got) => {
            let mut diff = Vec::new();
            json_diff("$", want, &got, partial, &mut diff);
            const LIMIT: usize = 20;
            if diff.len() > LIMIT {
                let more = diff.len() - LIMIT;
                diff.truncate(LIMIT);
                diff.push(format!("… and {more} more differences"));
            }
            Check::new(diff.is_empty(), label, diff)
        }
    }
}

/// Whether `got` includes `want` in the sense of [`Expectation::json_includes`].
#[cfg(test)]
pub(crate) fn json_includes(want: &Value, got: &Value) -> bool {
    let mut diff = Vec::new();
    json_diff("$", want, got, true, &mut diff);
    diff.is_empty()
}

/// One line per difference, each naming the JSON path where it is.
pub(crate) fn json_diff(at: &str, want: &Value, got: &Value, partial: bool, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (key, wv) in w {
                let here = child(at, key);
                match g.get(key) {
                    Some(gv) => json_diff(&here, wv, gv, partial, out),
                    None => out.push(format!("{here}: missing, expected {}", compact(wv))),
                }
            }
            if !partial {
                for (key, gv) in g {
                    if !w.contains_key(key) {
                        out.push(format!(
                            "{}: unexpected, got {}",
                            child(at, key),
                            compact(gv)
                        ));
                    }
                }
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                out.push(format!(
                    "{at}: expected an array of {}, got an array of {}",
                    w.len(),
                    g.len()
                ));
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                json_diff(&format!("{at}[{i}]"), wv, gv, partial, out);
            }
        }
        _ if want == got => {}
        _ => out.push(format!(
            "{at}: expected {}, got {}",
            compact(want),
            compact(got)
        )),
    }
}

fn child(at: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        format!("{at}.{key}")
    } else {
        format!("{at}[{key:?}]")
    }
}

fn compact(v: &Value) -> String {
    preview(&v.to_string(), 120)
}

pub(crate) fn preview(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    format!("{cut}… ({} bytes)", text.len())
}

/// The request line as the test author wrote it: method, path, query.
pub(crate) fn request_line(r: &Request) -> String {
    match r.url.query() {
        Some(q) => format!("{} {}?{q}", r.method, r.url.path()),
        None => format!("{} {}", r.method, r.url.path()),
    }
}

/// What one server received: the requests, and which of them no mock matched.
#[derive(Clone, Copy)]
pub(crate) struct Traffic<'a> {
    pub(crate) uri: &'a str,
    pub(crate) requests: &'a [Request],
    pub(crate) unmatched: &'a [usize],
}

/// Every received request, numbered from 1: whether a mock answered it, its headers (long
/// values cut, secrets masked) and a preview of its body.
pub(crate) fn list_requests(out: &mut String, t: &Traffic<'_>) {
    let (uri, requests) = (t.uri, t.requests);
    match requests.len() {
        0 => {
            let _ = writeln!(out, "the server at {uri} received no request");
        }
        1 => {
            let _ = writeln!(out, "the server at {uri} received 1 request:");
        }
        n => {
            let _ = writeln!(out, "the server at {uri} received {n} requests:");
        }
    }
    for (i, r) in requests.iter().enumerate() {
        let answer = if t.unmatched.contains(&i) {
            "unmatched → 404"
        } else {
            "answered by a mock"
        };
        let _ = writeln!(out, "  #{} {} → {answer}", i + 1, request_line(r));
        for (name, value) in &r.headers {
            let _ = writeln!(
                out,
                "       {}",
                headers::show(name.as_str(), value.as_bytes())
            );
        }
        if !r.body.is_empty() {
            let body = String::from_utf8_lossy(&r.body);
            let _ = writeln!(out, "       body: {}", preview(&body, 300));
        }
    }
}

/// The index of the received request that satisfies most fields of `e` (the first on ties).
pub(crate) fn closest(e: &Expectation, requests: &[Request]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, r) in requests.iter().enumerate() {
        let score = checks(e, r).iter().filter(|c| c.ok).count();
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
}

pub(crate) fn write_checks(out: &mut String, e: &Expectation, r: &Request) {
    for c in checks(e, r) {
        let mark = if c.ok { '✓' } else { '✗' };
        let _ = writeln!(out, "  {mark} {}", c.label);
        for line in &c.detail {
            let _ = writeln!(out, "      {line}");
        }
    }
}

/// Indices of the requests matching `e`.
pub(crate) fn matching(e: &Expectation, requests: &[Request]) -> Vec<usize> {
    (0..requests.len())
        .filter(|&i| matches(e, &requests[i]))
        .collect()
}

fn numbers(indices: &[usize]) -> String {
    let n: Vec<String> = indices.iter().map(|i| format!("#{}", i + 1)).collect();
    n.join(", ")
}

/// `None` when `e` holds for `requests`, else the report that says why not.
pub(crate) fn check_count(e: &Expectation, t: &Traffic<'_>) -> Option<String> {
    let hits = matching(e, t.requests);
    if e.count.accepts(hits.len()) {
        return None;
    }
    Some(count_report(e, t, &hits, ""))
}

pub(crate) fn count_report(
    e: &Expectation,
    t: &Traffic<'_>,
    hits: &[usize],
    headline_suffix: &str,
) -> String {
    let requests = t.requests;
    let mut out = String::new();
    let _ = write!(
        out,
        "testrig::http: expected {} matching `{}`, got {}",
        e.count,
        e.describe(),
        hits.len()
    );
    if !hits.is_empty() {
        let _ = write!(out, " ({})", numbers(hits));
    }
    let _ = writeln!(out, "{headline_suffix}");
    list_requests(&mut out, t);
    let want_more = match e.count {
        Count::Exactly(n) | Count::AtLeast(n) => hits.len() < n,
    };
    if want_more {
        let others: Vec<Request> = requests
            .iter()
            .enumerate()
            .filter(|(i, _)| !hits.contains(i))
            .map(|(_, r)| r.clone())
            .collect();
        if let Some(c) = closest(e, &others) {
            let index = (0..requests.len())
                .filter(|i| !hits.contains(i))
                .nth(c)
                .unwrap_or(c);
            let _ = writeln!(
                out,
                "closest to the expectation: #{} {}",
                index + 1,
                request_line(&requests[index])
            );
            write_checks(&mut out, e, &requests[index]);
        }
    }
    out
}

/// `None` when the expectations match requests in this order (each one a later request than
/// the one before), else the report.
pub(crate) fn check_order(es: &[Expectation], t: &Traffic<'_>) -> Option<String> {
    let requests = t.requests;
    let mut from = 0;
    let mut found = Vec::new();
    for e in es {
        match (from..requests.len()).find(|&i| matches(e, &requests[i])) {
            Some(i) => {
                found.push(i);
                from = i + 1;
            }
            None => break,
        }
    }
    if found.len() == es.len() {
        return None;
    }
    let mut out =
        String::from("testrig::http: the requests did not arrive in the expected order\n");
    for (step, e) in es.iter().enumerate() {
        let line = match found.get(step) {
            Some(i) => format!("  ✓ {}. {} (#{})", step + 1, e.describe(), i + 1),
            None if step == found.len() => match found.last() {
                Some(prev) => format!(
                    "  ✗ {}. {} (no such request after #{})",
                    step + 1,
                    e.describe(),
                    prev + 1
                ),
                None => format!("  ✗ {}. {} (no such request)", step + 1, e.describe()),
            },
            None => format!("  · {}. {}", step + 1, e.describe()),
        };
        let _ = writeln!(out, "{line}");
    }
    list_requests(&mut out, t);
    let missing = &es[found.len()];
    let rest = &requests[from..];
    if let Some(c) = closest(missing, rest) {
        let index = from + c;
        let _ = writeln!(
            out,
            "closest to step {}: #{} {}",
            found.len() + 1,
            index + 1,
            request_line(&requests[index])
        );
        write_checks(&mut out, missing, &requests[index]);
    }
    Some(out)
}

/// `None` when every expectation holds and every request matches one of them, else the report.
pub(crate) fn check_only(es: &[Expectation], t: &Traffic<'_>) -> Option<String> {
    let requests = t.requests;
    for e in es {
        if let Some(report) = check_count(e, t) {
            return Some(report);
        }
    }
    let others: Vec<usize> = (0..requests.len())
        .filter(|&i| !es.iter().any(|e| matches(e, &requests[i])))
        .collect();
    if others.is_empty() {
        return None;
    }
    let mut out = format!(
        "testrig::http: {} matched none of the expected requests\n",
        match others.len() {
            1 => format!("request {}", numbers(&others)),
            _ => format!("requests {}", numbers(&others)),
        }
    );
    out.push_str("expected only:\n");
    for e in es {
        let _ = writeln!(out, "  {e}");
    }
    list_requests(&mut out, t);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn diff(want: Value, got: Value, partial: bool) -> Vec<String> {
        let mut out = Vec::new();
        json_diff("$", &want, &got, partial, &mut out);
        out
    }

    #[test]
    fn includes_ignores_extra_keys_but_not_missing_ones() {
        assert!(json_includes(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_includes(&json!({"a": 1, "c": 3}), &json!({"a": 1})));
        assert!(json_includes(
            &json!({"o": {"x": 1}}),
            &json!({"o": {"x": 1, "y": 2}})
        ));
        assert!(!json_includes(&json!([1, 2]), &json!([1, 2, 3])));
        assert!(json_includes(
            &json!([{"a": 1}]),
            &json!([{"a": 1, "b": 0}])
        ));
    }

    #[test]
    fn diff_lines_name_the_path() {
        assert_eq!(
            diff(
                json!({"a": {"b": [1, 2]}}),
                json!({"a": {"b": [1, 3]}}),
                false
            ),
            vec!["$.a.b[1]: expected 2, got 3"]
        );
        assert_eq!(
            diff(json!({"key 1": "x"}), json!({"z": true}), false),
            vec![
                "$[\"key 1\"]: missing, expected \"x\"",
                "$.z: unexpected, got true"
            ]
        );
        assert_eq!(
            diff(json!([1]), json!([1, 2]), true),
            vec!["$: expected an array of 1, got an array of 2"]
        );
        assert_eq!(
            diff(json!(1), json!("1"), true),
            vec!["$: expected 1, got \"1\""]
        );
    }

    mod model {
        use proptest::prelude::*;
        use serde_json::{Map, Value};

        use super::super::{json_diff, json_includes};

        fn json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i32>().prop_map(Value::from),
                "[a-z ]{0,6}".prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 32, 5, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::btree_map("[a-z_ ]{1,4}", inner, 0..4)
                        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
                ]
            })
        }

        fn diff(want: &Value, got: &Value, partial: bool) -> Vec<String> {
            let mut out = Vec::new();
            json_diff("$", want, got, partial, &mut out);
            out
        }

        proptest! {
            #[test]
            fn a_value_matches_itself_exactly_and_partially(v in json()) {
                prop_assert!(diff(&v, &v, false).is_empty());
                prop_assert!(json_includes(&v, &v));
            }

            #[test]
            fn exact_diff_is_empty_only_for_equal_values(a in json(), b in json()) {
                prop_assert_eq!(diff(&a, &b, false).is_empty(), a == b);
            }

            #[test]
            fn an_extra_key_keeps_inclusion_but_breaks_equality(
                fields in prop::collection::btree_map("[a-z]{1,4}", json(), 0..4),
                extra in json(),
            ) {
                let want = Value::Object(fields.clone().into_iter().collect());
                let mut bigger = fields;
                bigger.insert("zz_extra".to_owned(), extra);
                let got = Value::Object(bigger.into_iter().collect());
                prop_assert!(json_includes(&want, &got));
                prop_assert!(!diff(&want, &got, false).is_empty());
                prop_assert!(!json_includes(&got, &want));
            }
        }
    }
}
