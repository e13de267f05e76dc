//! Walking two values side by side, and the text that says where they differ.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use super::{Approx, Node, Tolerance};

/// How many differences a report lists before it only counts the rest.
const LISTED: usize = 20;

/// One place where two values differ.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Difference {
    /// `.1`, `[3]`, `["key"]`, joined; empty at the top.
    pub(super) path: String,
    pub(super) text: String,
}

/// Every difference between two values, and how many places were compared.
#[derive(Debug, Clone, Default)]
pub(super) struct Walk {
    pub(super) compared: usize,
    pub(super) differences: Vec<Difference>,
}

impl Walk {
    pub(super) fn run(actual: &dyn Approx, expected: &dyn Approx, tol: &Tolerance) -> Walk {
        let mut walk = Walk::default();
        walk.compare(actual, expected, tol, &mut String::new());
        walk
    }

    fn differ(&mut self, path: &str, text: String) {
        self.differences.push(Difference {
            path: path.to_owned(),
            text,
        });
    }

    fn compare(&mut self, a: &dyn Approx, e: &dyn Approx, tol: &Tolerance, path: &mut String) {
        let (a, e) = (a.approx_node(), e.approx_node());
        match (&a, &e) {
            (Node::Seq(xs), Node::Seq(ys)) => {
                if xs.len() != ys.len() {
                    self.compared += 1;
                    self.differ(
                        path,
                        format!("actual has {} elements, expected {}", xs.len(), ys.len()),
                    );
                }
                for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                    self.nested(path, format_args!("[{i}]"), *x, *y, tol);
                }
            }
            (Node::Tuple(xs), Node::Tuple(ys)) if xs.len() == ys.len() => {
                for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                    self.nested(path, format_args!(".{i}"), *x, *y, tol);
                }
            }
            (Node::Option(Some(x)), Node::Option(Some(y))) => self.compare(*x, *y, tol, path),
            (Node::Map(xs), Node::Map(ys)) => self.maps(xs, ys, tol, path),
            _ => {
                self.compared += 1;
                if let Some(text) = leaf(&a, &e, tol) {
                    self.differ(path, text);
                }
            }
        }
    }

    fn nested(
        &mut self,
        path: &mut String,
        step: fmt::Arguments<'_>,
        a: &dyn Approx,
        e: &dyn Approx,
        tol: &Tolerance,
    ) {
        let len = path.len();
        let _ = path.write_fmt(step);
        self.compare(a, e, tol, path);
        path.truncate(len);
    }

    fn maps(
        &mut self,
        actual: &[(String, &dyn Approx)],
        expected: &[(String, &dyn Approx)],
        tol: &Tolerance,
        path: &mut String,
    ) {
        let by_key: HashMap<&str, &dyn Approx> =
            actual.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        for (key, e) in expected {
            match by_key.get(key.as_str()) {
                Some(a) => self.nested(path, format_args!("[{key}]"), *a, *e, tol),
                None => {
                    self.compared += 1;
                    let text = format!("missing in actual (expected {})", render(*e, None));
                    self.differ(&format!("{path}[{key}]"), text);
                }
            }
        }
        for (key, a) in actual {
            if !expected.iter().any(|(k, _)| k == key) {
                self.compared += 1;
                let text = format!("not expected (actual {})", render(*a, None));
                self.differ(&format!("{path}[{key}]"), text);
            }
        }
    }

    /// The failure message of `assert_approx!(actual_src, expected_src)`.
    pub(super) fn message(&self, actual_src: &str, expected_src: &str, tol: &Tolerance) -> String {
        let head = format!("assert_approx!({actual_src}, {expected_src}) failed");
        if let [only] = self.differences.as_slice()
            && only.path.is_empty()
            && self.compared == 1
        {
            return format!("{head}: {}", only.text);
        }
        let mut out = format!(
            "{head}: {} of {} values differ ({tol}):",
            self.differences.len(),
            self.compared
        );
        for d in self.differences.iter().take(LISTED) {
            let path = if d.path.is_empty() {
                "(top level)"
            } else {
                &d.path
            };
            let _ = write!(out, "\n  {path}: {}", d.text);
        }
        if self.differences.len() > LISTED {
            let _ = write!(out, "\n  … and {} more", self.differences.len() - LISTED);
        }
        out
    }
}

/// A number as a float, if it is one.
fn number(node: &Node<'_>) -> Option<f64> {
    match *node {
        Node::F64(v) => Some(v),
        Node::F32(v) => Some(v.into()),
        #[allow(clippy::cast_precision_loss)] // only compared with a float, within a tolerance
        Node::Int(v) => Some(v as f64),
        _ => None,
    }
}

/// Whether `a` is within the tolerance of `e`: equal values (infinities included) always are,
/// NaNs only with `nan_ok`, an infinity only to itself.
pub(super) fn close(a: f64, e: f64, tol: &Tolerance) -> bool {
    if a == e {
        return true;
    }
    if a.is_nan() || e.is_nan() {
        return tol.nan_ok && a.is_nan() && e.is_nan();
    }
    if a.is_infinite() || e.is_infinite() {
        return false;
    }
    (a - e).abs() <= tol.of(e)
}

/// Why two leaves (or two values of different shapes) differ, or `None` when they do not.
fn leaf(a: &Node<'_>, e: &Node<'_>, tol: &Tolerance) -> Option<String> {
    let equal = match (a, e) {
        (Node::Int(x), Node::Int(y)) => {
            return (x != y)
                .then(|| format!("actual {x}, expected {y} (integers compare exactly)"));
        }
        (Node::Bool(x), Node::Bool(y)) => x == y,
        (Node::Char(x), Node::Char(y)) => x == y,
        (Node::Str(x), Node::Str(y)) => x == y,
        (Node::Option(None), Node::Option(None)) => true,
        // `Some` with `Some` is compared inside; one `None` is a difference.
        (Node::Option(_), Node::Option(_)) => false,
        _ => match (number(a), number(e)) {
            (Some(x), Some(y)) => return numbers(a, x, e, y, tol),
            _ => {
                return Some(format!(
                    "actual {}, expected {} (not the same shape)",
                    render_node(a, None),
                    render_node(e, None)
                ));
            }
        },
    };
    (!equal).then(|| {
        format!(
            "actual {}, expected {}",
            render_node(a, None),
            render_node(e, None)
        )
    })
}

fn numbers(a: &Node<'_>, x: f64, e: &Node<'_>, y: f64, tol: &Tolerance) -> Option<String> {
    if close(x, y, tol) {
        return None;
    }
    let (shown_a, shown_e) = (render_node(a, None), render_node(e, Some(tol)));
    Some(if x.is_nan() && y.is_nan() {
        "actual NaN, expected NaN (NaN equals NaN only with `nan_ok`)".to_owned()
    } else if x.is_nan() || y.is_nan() {
        format!("actual {shown_a}, expected {shown_e}")
    } else {
        format!(
            "actual {shown_a}, expected {shown_e} (difference {:.1e})",
            (x - y).abs()
        )
    })
}

/// `node` as text; with `tol`, numbers show their tolerance as `± t`.
fn render_node(node: &Node<'_>, tol: Option<&Tolerance>) -> String {
    fn list(items: &[&dyn Approx], tol: Option<&Tolerance>) -> String {
        items
            .iter()
            .map(|i| render(*i, tol))
            .collect::<Vec<_>>()
            .join(", ")
    }
    let with_tol = |v: f64, shown: String| match tol {
        Some(t) if v.is_finite() => format!("{shown} ± {:.1e}", t.of(v)),
        _ => shown,
    };
    match node {
        Node::F64(v) => with_tol(*v, format!("{v:?}")),
        Node::F32(v) => with_tol(f64::from(*v), format!("{v:?}")),
        Node::Int(v) => v.to_string(),
        Node::Bool(v) => v.to_string(),
        Node::Char(v) => format!("{v:?}"),
        Node::Str(v) => format!("{v:?}"),
        Node::Seq(items) => format!("[{}]", list(items, tol)),
        Node::Tuple(items) if items.len() == 1 => format!("({},)", list(items, tol)),
        Node::Tuple(items) => format!("({})", list(items, tol)),
        Node::Option(None) => "None".to_owned(),
        Node::Option(Some(v)) => format!("Some({})", render(*v, tol)),
        Node::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", render(*v, tol)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// `value` as text (see [`render_node`]), cut short when long.
pub(super) fn render(value: &dyn Approx, tol: Option<&Tolerance>) -> String {
    let mut text = render_node(&value.approx_node(), tol);
    if tol.is_none()
        && let Some((cut, _)) = text.char_indices().nth(80)
    {
        text.truncate(cut);
        text.push('…');
    }
    text
}
