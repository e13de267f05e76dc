//! Attribute arguments and the parts of a function the macros work with. Parsing keeps the
//! user's tokens (for spans); checks that need the whole item live in `valid.rs`.

use proc_macro2::{Ident, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, LitStr, Meta, Path, Token, Type};

use crate::ctxt::Ctxt;
use crate::symbol::*;

mod param;
pub(crate) use param::{FileMode, Files, Future, Param, Source, params};

/// `#[fixture(scope = "session", autouse)]`
#[derive(Default)]
pub(crate) struct FixtureArgs {
    pub(crate) session: bool,
    pub(crate) autouse: Option<Span>,
    /// `params = [..]`, `ids = [..]`.
    pub(crate) params: crate::params::ParamArgs,
    /// rstest's `#[default(Type)]` / `#[partial_N(Type)]` on the fixture: the return type of
    /// `default()` / `partial_N(..)`, by name (`"default"`, `"partial_2"`).
    pub(crate) returns: Vec<(String, Type)>,
}

pub(crate) fn fixture_args(args: TokenStream, cx: &mut Ctxt) -> FixtureArgs {
    let mut out = FixtureArgs::default();
    let mut seen: Vec<String> = Vec::new();
    for meta in metas(args, cx) {
        let path = meta.path();
        let key = path_text(path);
        if seen.contains(&key) {
            cx.error_at(path, format!("option `{key}` is given twice; keep one"));
            continue;
        }
        seen.push(key);
        if path.is_ident(SCOPE) {
            match &meta {
                Meta::NameValue(nv) => match lit_str(&nv.value) {
                    Some(s) if s.value() == SESSION => out.session = true,
                    Some(s) if s.value() == FUNCTION => {}
                    _ => cx.error_at(
                        &nv.value,
                        "unknown scope; expected `scope = \"session\"` or `scope = \"function\"`",
                    ),
                },
                _ => cx.error_at(&meta, "write the scope as `scope = \"session\"`"),
            }
        } else if path.is_ident(AUTOUSE) {
            match &meta {
                Meta::Path(p) => out.autouse = Some(p.span()),
                _ => cx.error_at(
                    &meta,
                    "`autouse` takes no value; write `#[fixture(autouse)]`",
                ),
            }
        } else if crate::params::is_option(&meta) {
            crate::params::parse_option(&meta, &mut out.params, cx);
        } else {
            cx.error_at(
                path,
                format!(
                    "unknown fixture option `{}`; expected `scope = \"session\"`, `autouse`, \
                     `params = [..]` or `ids = [..]`",
                    path_text(path)
                ),
            );
        }
    }
    out
}

/// `#[testrig::test(isolated, timeout = "5s", serial = "db", no_autouse)]`
#[derive(Default)]
pub(crate) struct TestArgs {
    pub(crate) no_autouse: bool,
    pub(crate) isolated: bool,
    pub(crate) timeout: Option<LitStr>,
    /// Serial keys in the order written.
    pub(crate) serial: Vec<LitStr>,
    /// A bare `serial`: the keyless serial key.
    pub(crate) serial_keyless: Option<Span>,
    /// Keys held shared (`shared = "db"`), in the order written.
    pub(crate) shared: Vec<LitStr>,
    /// A bare `shared`: the shared side of the keyless key.
    pub(crate) shared_keyless: Option<Span>,
}

impl TestArgs {
    /// Whether any option the runner acts on (`isolated`, `timeout`, `serial`, `shared`) is set.
    pub(crate) fn has_run_options(&self) -> bool {
        self.isolated
            || self.timeout.is_some()
            || !self.serial.is_empty()
            || self.serial_keyless.is_some()
            || !self.shared.is_empty()
            || self.shared_keyless.is_some()
    }
}

const TEST_OPTIONS: &str = "expected `isolated`, `timeout = \"5s\"`, `serial`, `serial = \"key\"`, \
                            `shared`, `shared = \"key\"` or `no_autouse`";

pub(crate) fn test_args(args: TokenStream, cx: &mut Ctxt) -> TestArgs {
    let mut out = TestArgs::default();
    let mut seen: Vec<String> = Vec::new();
    for meta in metas(args, cx) {
        let path = meta.path();
        let key = path_text(path);
        let known = [NO_AUTOUSE, ISOLATED, TIMEOUT, SERIAL, SHARED].contains(&key.as_str());
        if !known {
            cx.error_at(path, format!("unknown test option `{key}`; {TEST_OPTIONS}"));
            continue;
        }
        if seen.contains(&key) {
            cx.error_at(path, format!("option `{key}` is given twice; keep one"));
            continue;
        }
        seen.push(key.clone());
        match (key.as_str(), &meta) {
            (NO_AUTOUSE, Meta::Path(_)) => out.no_autouse = true,
            (ISOLATED, Meta::Path(_)) => out.isolated = true,
            (NO_AUTOUSE | ISOLATED, _) => {
                let message = format!("`{key}` takes no value; write `#[testrig::test({key})]`");
                match &meta {
                    Meta::NameValue(nv) => cx.error_at(&nv.value, message),
                    _ => cx.error_at(&meta, message),
                }
            }
            (TIMEOUT, Meta::NameValue(nv)) => match lit_str(&nv.value) {
                Some(s) => out.timeout = Some(s.clone()),
                None => cx.error_at(
                    &nv.value,
                    "`timeout` takes a duration in a string literal, e.g. `timeout = \"5s\"`",
                ),
            },
            (SERIAL, Meta::Path(p)) => out.serial_keyless = Some(p.span()),
            (SERIAL, Meta::NameValue(nv)) => out.serial = serial_keys(SERIAL, &nv.value, cx),
            (SHARED, Meta::Path(p)) => out.shared_keyless = Some(p.span()),
            (SHARED, Meta::NameValue(nv)) => out.shared = serial_keys(SHARED, &nv.value, cx),
            _ => cx.error_at(&meta, format!("write the option as `{key} = \"...\"`")),
        }
    }
    out
}

/// `serial = "db"` or `serial = ["db", "cache"]`; `shared` alike.
fn serial_keys(option: &str, value: &Expr, cx: &mut Ctxt) -> Vec<LitStr> {
    let how = format!(
        "`{option}` takes string literals: `{option} = \"db\"` or `{option} = [\"db\", \"cache\"]`"
    );
    match value {
        Expr::Array(list) if list.elems.is_empty() => {
            cx.error_at(
                value,
                format!("list at least one key: `{option} = [\"db\"]`"),
            );
            Vec::new()
        }
        Expr::Array(list) => list
            .elems
            .iter()
            .filter_map(|e| {
                let key = lit_str(e).cloned();
                if key.is_none() {
                    cx.error_at(e, &how);
                }
                key
            })
            .collect(),
        _ => match lit_str(value) {
            Some(s) => vec![s.clone()],
            None => {
                cx.error_at(value, how);
                Vec::new()
            }
        },
    }
}

fn metas(args: TokenStream, cx: &mut Ctxt) -> Vec<Meta> {
    match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(list) => list.into_iter().collect(),
        Err(e) => {
            cx.push(e);
            Vec::new()
        }
    }
}

/// `#[fixture_use(a, b, path::to::c)]`
pub(crate) fn use_list(args: TokenStream, cx: &mut Ctxt) -> Vec<Path> {
    match Punctuated::<Path, Token![,]>::parse_terminated.parse2(args) {
        Ok(list) => list.into_iter().collect(),
        Err(e) => {
            cx.push(e);
            Vec::new()
        }
    }
}

pub(crate) fn lit_str(e: &Expr) -> Option<&LitStr> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

pub(crate) fn path_text(p: &Path) -> String {
    p.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

pub(crate) fn last_ident(p: &Path) -> String {
    p.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// One `#[case(...)]`. Values are kept as the user's tokens.
pub(crate) struct CaseAttr {
    pub(crate) attr_span: Span,
    /// rstest's `#[case::name(...)]`.
    pub(crate) short: Option<Ident>,
    /// Each value's token trees: the expansion looks at them (is it a constant, a string
    /// literal, what is its text) without asking the compiler to open a stream.
    pub(crate) values: Vec<Vec<TokenTree>>,
    /// `id = "..."`: its value and where it is written.
    pub(crate) id: Option<(String, Span)>,
    pub(crate) ignore: Option<Option<LitStr>>,
    pub(crate) should_panic: Option<Option<LitStr>>,
    pub(crate) xfail: Option<LitStr>,
    pub(crate) timeout: Option<LitStr>,
}

/// Splits a case's tokens at top-level commas. Commas inside `(...)`, `[...]` and `{...}`
/// are nested in groups already; closures (`|a, b|`) and generic arguments (`<A, B>`) put
/// commas at the top level too, so a case containing `|` or `<` is parsed by syn instead.
/// Parsing every case value as a full expression would cost compile time for nothing.
/// Chunks stay token trees: looking at a tree is free, while every look into a
/// `TokenStream` is a request to the compiler.
fn split_values(tokens: TokenStream) -> Option<Vec<Vec<TokenTree>>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                out.push(std::mem::take(&mut current));
            }
            TokenTree::Punct(p) if p.as_char() == '|' || p.as_char() == '<' => return None,
            _ => current.push(tt),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    Some(out)
}

fn syn_values(tokens: TokenStream, cx: &mut Ctxt) -> Vec<Vec<TokenTree>> {
    match Punctuated::<Expr, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(list) => list
            .into_iter()
            .map(|e| e.to_token_stream().into_iter().collect())
            .collect(),
        Err(e) => {
            cx.push(e);
            Vec::new()
        }
    }
}

/// `ident = rest` (a single `=`, not `==`), for case options.
fn key_value(chunk: &[TokenTree]) -> Option<(&Ident, &[TokenTree])> {
    match chunk {
        [TokenTree::Ident(key), TokenTree::Punct(p), rest @ ..]
            if p.as_char() == '=' && p.spacing() == Spacing::Alone =>
        {
            Some((key, rest))
        }
        _ => None,
    }
}

/// A lone string literal, without building a syn parse buffer for one token.
pub(crate) fn lit_str_tokens(tokens: &TokenStream) -> Option<LitStr> {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next()) {
        (Some(tt), None) => lit_str_tree(&[tt]),
        _ => None,
    }
}

fn lit_str_tree(trees: &[TokenTree]) -> Option<LitStr> {
    match trees {
        [TokenTree::Literal(l)] => match syn::Lit::new(l.clone()) {
            syn::Lit::Str(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// A string literal without escapes or a raw prefix (as most case ids are): its value is the
/// text between the quotes, read without syn's literal parser.
fn plain_str(trees: &[TokenTree]) -> Option<(String, Span)> {
    let [TokenTree::Literal(l)] = trees else {
        return None;
    };
    let text = l.to_string();
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    // One character at a time: a one-character search is a fast byte scan, a set is not.
    (!inner.contains('\\') && !inner.contains('"')).then(|| (inner.to_owned(), l.span()))
}

fn bare_ident(chunk: &[TokenTree]) -> Option<&Ident> {
    match chunk {
        [TokenTree::Ident(i)] => Some(i),
        _ => None,
    }
}

pub(crate) fn case(attr: &Attribute, cx: &mut Ctxt) -> CaseAttr {
    let tokens = match &attr.meta {
        Meta::List(l) => l.tokens.clone(),
        _ => TokenStream::new(),
    };
    let path = attr.path();
    let short = (path.segments.len() == 2).then(|| path.segments[1].ident.clone());
    case_tokens(path.segments[0].ident.span(), short, tokens, cx)
}

/// `#[case(...)]` or rstest's `#[case::name(...)]` on a function.
pub(crate) fn is_case(p: &Path) -> bool {
    p.leading_colon.is_none()
        && matches!(p.segments.len(), 1 | 2)
        && p.segments[0].ident == CASE
        && p.segments.iter().all(|s| s.arguments.is_none())
}

/// A case from its tokens (the part between the parentheses); `span` is that of `case`.
pub(crate) fn case_tokens(
    span: Span,
    short: Option<Ident>,
    tokens: TokenStream,
    cx: &mut Ctxt,
) -> CaseAttr {
    let mut out = CaseAttr {
        attr_span: span,
        short,
        values: Vec::new(),
        id: None,
        ignore: None,
        should_panic: None,
        xfail: None,
        timeout: None,
    };
    let chunks = match split_values(tokens.clone()) {
        Some(chunks) => chunks,
        None => syn_values(tokens, cx),
    };
    let mut in_marks = false;
    let mut seen: Vec<String> = Vec::new();
    for chunk in chunks {
        let mark = key_value(&chunk)
            .map(|(k, _)| k)
            .or_else(|| bare_ident(&chunk).filter(|i| *i == IGNORE || *i == SHOULD_PANIC));
        if let Some(mark) = mark {
            let k = mark.to_string();
            if seen.contains(&k) {
                cx.error_at(mark, format!("case option `{k}` is given twice; keep one"));
                in_marks = true;
                continue;
            }
            seen.push(k);
        }
        if let Some((key, value)) = key_value(&chunk) {
            in_marks = true;
            let k = key.to_string();
            if k == ID
                && let Some(id) = plain_str(value)
            {
                out.id = Some(id);
                continue;
            }
            let lit = lit_str_tree(value);
            let need_str = |cx: &mut Ctxt, what: &str| {
                let value: TokenStream = value.iter().cloned().collect();
                cx.error_at(
                    &value,
                    format!("`{what}` takes a string literal, e.g. `{what} = \"...\"`"),
                )
            };
            match (k.as_str(), lit) {
                (ID, Some(v)) => out.id = Some((v.value(), v.span())),
                (IGNORE, Some(v)) => out.ignore = Some(Some(v)),
                (SHOULD_PANIC, Some(v)) => out.should_panic = Some(Some(v)),
                (XFAIL, Some(v)) => out.xfail = Some(v),
                (TIMEOUT, Some(v)) => out.timeout = Some(v),
                (ID | IGNORE | SHOULD_PANIC | XFAIL | TIMEOUT, None) => need_str(cx, &k),
                _ => cx.error_at(
                    key,
                    format!(
                        "unknown case option `{k}`; expected `id`, `ignore`, `should_panic`, \
                         `xfail` or `timeout`"
                    ),
                ),
            }
            continue;
        }
        match bare_ident(&chunk).map(|i| (i.to_string(), i)) {
            Some((k, _)) if k == IGNORE => {
                in_marks = true;
                out.ignore = Some(None);
            }
            Some((k, _)) if k == SHOULD_PANIC => {
                in_marks = true;
                out.should_panic = Some(None);
            }
            Some((k, i)) if k == XFAIL => {
                in_marks = true;
                cx.error_at(i, "`xfail` needs a reason: `xfail = \"why it fails\"`");
            }
            _ if in_marks => cx.error_at(
                chunk.into_iter().collect::<TokenStream>(),
                "case values come first; put this value before `id` and the marks",
            ),
            _ => out.values.push(chunk),
        }
    }
    out
}

/// rstest's `#[timeout(Duration::from_millis(250))]` as testrig's limit text (`"250ms"`).
/// The duration must be written with a literal, so that the limit is known at compile time.
pub(crate) fn rstest_timeout(attr: &Attribute) -> syn::Result<LitStr> {
    const HOW: &str = "write the limit as `#[timeout(Duration::from_millis(250))]` (or \
                       `from_secs`, `from_secs_f64`, `from_micros`) with a literal, or use \
                       `#[testrig::test(timeout = \"250ms\")]`";
    let expr: Expr = attr.parse_args()?;
    let Expr::Call(call) = &expr else {
        return Err(syn::Error::new_spanned(&expr, HOW));
    };
    let (Expr::Path(f), Some(Expr::Lit(arg)), 1) =
        (&*call.func, call.args.first(), call.args.len())
    else {
        return Err(syn::Error::new_spanned(&expr, HOW));
    };
    let unit = last_ident(&f.path);
    let number = match &arg.lit {
        syn::Lit::Int(i) => i.base10_digits().to_owned(),
        syn::Lit::Float(x) => x.base10_digits().to_owned(),
        _ => return Err(syn::Error::new_spanned(arg, HOW)),
    };
    let text = match unit.as_str() {
        "from_secs" | "from_secs_f64" | "from_secs_f32" => format!("{number}s"),
        "from_millis" => format!("{number}ms"),
        "from_micros" => match number.parse::<u64>() {
            Ok(us) if us % 1000 == 0 => format!("{}ms", us / 1000),
            _ => {
                return Err(syn::Error::new_spanned(
                    arg,
                    "testrig's time limits are whole milliseconds; write a multiple of 1000 \
                     microseconds or use `from_millis`",
                ));
            }
        },
        _ => return Err(syn::Error::new_spanned(&call.func, HOW)),
    };
    Ok(LitStr::new(&text, arg.span()))
}

/// Attributes that make a function a test (`#[test]`, `#[tokio::test]`, ...).
pub(crate) fn is_test_attr(attr: &Attribute) -> bool {
    let p = attr.path();
    last_ident(p) == "test" && !is_testrig_test(p)
}

/// Test attributes that also drive a future (`#[tokio::test]`, `#[async_std::test]`, ...):
/// any `...::test` path other than the built-in one.
pub(crate) fn is_runtime_attr(attr: &Attribute) -> bool {
    let p = attr.path();
    if !is_test_attr(attr) || p.segments.len() < 2 {
        return false;
    }
    let first = p.segments[0].ident.to_string();
    !matches!(first.as_str(), "core" | "std")
}

pub(crate) fn is_testrig_test(p: &Path) -> bool {
    p.segments.len() >= 2
        && last_ident(p) == "test"
        && p.segments[p.segments.len() - 2].ident == "testrig"
}

pub(crate) fn is_fixture_use(p: &Path) -> bool {
    last_ident(p) == FIXTURE_USE
}
