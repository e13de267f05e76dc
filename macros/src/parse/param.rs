//! Test and fixture parameters: how each gets its value, read from the parameter attributes
//! (rstest's `#[case]`, `#[values]`, `#[from]`, `#[with]`, `#[default]`, `#[files]`, ...),
//! which are stripped from the function.

use proc_macro2::{Ident, Span};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, LitStr, Meta, Pat, Path, Token, Type};

use crate::ctxt::Ctxt;
use crate::item::FnItem as ItemFn;
use crate::symbol::*;

/// How a parameter gets its value.
pub(crate) enum Source {
    /// A fixture, by path; `by_ref` for `&T` parameters; `with`: rstest's
    /// `#[with(args...)]`, values for the fixture's first parameters.
    Fixture {
        path: Path,
        by_ref: bool,
        with: Vec<Expr>,
    },
    /// rstest's `#[default(expr)]` on a fixture's parameter: this value unless a test
    /// passes its own with `#[with(...)]`.
    Default(Expr),
    /// rstest's `#[files("glob")]`: one test per matching file (a matrix parameter whose
    /// values are the files).
    Files(Files),
    /// `#[values(a, b, c)]`: one test per value (a matrix with the other such parameters).
    Values(Vec<Expr>),
    /// `#[strategy(expr)]`: a proptest strategy (feature `proptest`).
    Strategy(Expr),
    /// Bound to the case values: rstest's `#[case]` marker, or (without markers) one of the
    /// leading parameters the cases fill by position.
    Case,
}

/// `#[files("glob")]` (several allowed), `#[exclude("text")]`, `#[include_dot_files]`,
/// `#[mode = path|str|bytes]`.
#[derive(Default)]
pub(crate) struct Files {
    pub(crate) globs: Vec<LitStr>,
    pub(crate) exclude: Vec<LitStr>,
    pub(crate) dot_files: bool,
    pub(crate) mode: FileMode,
    /// Filled by `files::resolve`: one value per matched file, and its test name.
    pub(crate) values: Vec<Expr>,
    pub(crate) names: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum FileMode {
    /// A `PathBuf` (absolute).
    #[default]
    Path,
    /// The contents, `include_str!`.
    Str,
    /// The contents, `include_bytes!`.
    Bytes,
}

pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) source: Source,
    /// rstest's `#[future]` (the parameter's type became `impl Future<Output = T>`) or
    /// `#[future(awt)]` (a future value, awaited before the call).
    pub(crate) future: Future,
    /// rstest's `#[by_ref]`: the case or matrix value is lent (`&value`).
    pub(crate) by_ref: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Future {
    No,
    Pass,
    Await,
}

/// Reads the function's parameters and strips testrig's parameter attributes from `func`.
/// `by_position` says how many leading parameters are bound by `#[case]` values: those are
/// returned with a placeholder source and must carry no attribute.
pub(crate) fn params(func: &mut ItemFn, cx: &mut Ctxt) -> Vec<Param> {
    let mut out = Vec::new();
    for arg in func.sig.inputs.iter_mut() {
        let typed = match arg {
            FnArg::Receiver(r) => {
                cx.error_at(
                    &*r,
                    "a fixture or test cannot take `self`; write a free function",
                );
                continue;
            }
            FnArg::Typed(t) => t,
        };
        let mut from = None;
        let mut values = None;
        let mut strategy = None;
        let mut case = false;
        let mut with = None;
        let mut default = None;
        let mut files: Option<Files> = None;
        let mut future = Future::No;
        let mut lend = false;
        let mut kept = Vec::new();
        for attr in typed.attrs.drain(..) {
            if let Some(message) = repeated(&attr, from.is_some(), values.is_some(), &strategy) {
                cx.error_at(attr.path(), message);
                continue;
            }
            let path = attr.path();
            if path.is_ident("future") {
                future = match &attr.meta {
                    Meta::List(l) if l.tokens.to_string() == "awt" => Future::Await,
                    Meta::Path(_) => Future::Pass,
                    _ => {
                        cx.error_at(&attr, "write `#[future]` or `#[future(awt)]`");
                        Future::Pass
                    }
                };
            } else if path.is_ident("by_ref") || path.is_ident("notrace") {
                lend |= path.is_ident("by_ref");
            } else if path.is_ident(WITH) {
                match attr.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                    Ok(list) => with = Some(list.into_iter().collect::<Vec<_>>()),
                    Err(e) => cx.push(e),
                }
            } else if path.is_ident(DEFAULT) {
                match attr.parse_args::<Expr>() {
                    Ok(e) => default = Some(e),
                    Err(e) => cx.push(e),
                }
            } else if path.is_ident(FILES) || path.is_ident("exclude") {
                let f = files.get_or_insert_with(Files::default);
                match attr.parse_args::<LitStr>() {
                    Ok(l) if path.is_ident(FILES) => f.globs.push(l),
                    Ok(l) => f.exclude.push(l),
                    Err(e) => cx.push(e),
                }
            } else if path.is_ident("include_dot_files") {
                files.get_or_insert_with(Files::default).dot_files = true;
            } else if path.is_ident(MODE) {
                let mode = match &attr.meta {
                    Meta::NameValue(nv) => match nv.value.to_token_stream().to_string().as_str() {
                        "path" => Some(FileMode::Path),
                        "str" => Some(FileMode::Str),
                        "bytes" => Some(FileMode::Bytes),
                        _ => None,
                    },
                    _ => None,
                };
                match (mode, files.as_mut()) {
                    (Some(m), Some(f)) => f.mode = m,
                    (Some(_), None) => cx.error_at(
                        &attr,
                        "`#[mode]` goes after `#[files(\"glob\")]` on the same parameter",
                    ),
                    (None, _) => cx.error_at(
                        &attr,
                        "write the mode as `#[mode = path]`, `#[mode = str]` or `#[mode = bytes]`",
                    ),
                }
            } else if attr.path().is_ident(FROM) {
                match attr.parse_args::<Path>() {
                    Ok(p) => from = Some(p),
                    Err(e) => cx.push(e),
                }
            } else if attr.path().is_ident(VALUES) {
                match attr.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                    Ok(list) if list.is_empty() => {
                        cx.error_at(&attr, "`#[values()]` needs at least one value")
                    }
                    Ok(list) => values = Some(list.into_iter().collect::<Vec<_>>()),
                    Err(e) => cx.push(e),
                }
            } else if attr.path().is_ident(STRATEGY) {
                match attr.parse_args::<Expr>() {
                    Ok(e) => strategy = Some(e),
                    Err(e) => cx.push(e),
                }
            } else if attr.path().is_ident(CASE) && matches!(attr.meta, Meta::Path(_)) {
                case = true;
            } else {
                kept.push(attr);
            }
        }
        typed.attrs = kept;
        // Without `r#`: `r#type` is named `type` in ids and messages.
        let name = match &*typed.pat {
            Pat::Ident(p) => p.ident.unraw().to_string(),
            _ => String::new(),
        };
        let span = typed.pat.span();
        if future == Future::Pass {
            let inner = &typed.ty;
            *typed.ty = syn::parse_quote_spanned!(inner.span()=>
                impl ::core::future::Future<Output = #inner>
            );
        }
        let ty = (*typed.ty).clone();
        let source = if case {
            Source::Case
        } else if let Some(f) = files {
            if f.globs.is_empty() {
                cx.error(span, "add the files to take: `#[files(\"data/*.txt\")]`");
            }
            Source::Files(f)
        } else if let Some(d) = default {
            Source::Default(d)
        } else if let Some(v) = values {
            Source::Values(v)
        } else if let Some(s) = strategy {
            Source::Strategy(s)
        } else {
            let by_ref = matches!(ty, Type::Reference(_));
            let path = match from {
                Some(p) => p,
                None => {
                    let bare = name
                        .strip_prefix('_')
                        .filter(|s| !s.is_empty())
                        .unwrap_or(&name);
                    if bare.is_empty() {
                        syn::parse_quote_spanned!(span=> __testrig_no_name)
                    } else {
                        Path::from(fixture_ident(bare, span))
                    }
                }
            };
            if let Type::Reference(r) = &ty
                && r.mutability.is_some()
            {
                cx.error_at(
                    r,
                    "fixtures are shared, not lent mutably; take `&T`, or `T` for an instance of \
                     your own",
                );
            }
            Source::Fixture {
                path,
                by_ref,
                with: with.unwrap_or_default(),
            }
        };
        out.push(Param {
            name,
            span,
            source,
            future,
            by_ref: lend,
        });
    }
    out
}

/// A parameter attribute that repeats or contradicts an earlier one on the same parameter.
fn repeated(
    attr: &Attribute,
    from: bool,
    values: bool,
    strategy: &Option<Expr>,
) -> Option<&'static str> {
    let path = attr.path();
    if path.is_ident(FROM) && from {
        Some("`#[from]` is given twice on this parameter; keep one")
    } else if path.is_ident(VALUES) && values {
        Some(
            "`#[values]` is given twice on this parameter; list every value in one `#[values(..)]`",
        )
    } else if path.is_ident(VALUES) && strategy.is_some() || path.is_ident(STRATEGY) && values {
        Some("a parameter takes `#[values(..)]` or `#[strategy(..)]`, not both; keep one")
    } else if path.is_ident(STRATEGY) && strategy.is_some() {
        Some("`#[strategy]` is given twice on this parameter; keep one")
    } else {
        None
    }
}

/// The fixture a parameter names: `r#type` (or `_type`) is the fixture `fn r#type()`.
fn fixture_ident(name: &str, span: Span) -> Ident {
    let plain = syn::parse_str::<Ident>(name).is_ok();
    if plain || matches!(name, "self" | "super" | "crate" | "Self" | "_") {
        Ident::new(name, span)
    } else {
        Ident::new_raw(name, span)
    }
}
