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

use super::{last_ident, lit_str, lit_str_tokens};

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
    /// rstest's `#[context]`: the running test's `TestContext`, lent for `&TestContext`.
    Context { by_ref: bool },
    /// rstest's `#[ignore]`: not resolved; another attribute macro below the test's fills
    /// it. The number counts such parameters from 0.
    Supplied(usize),
}

/// `#[files("glob")]` (several allowed), `#[exclude("regex")]`, `#[include_dot_files]`,
/// `#[mode = path|str|bytes]`, `#[base_dir = "dir"]`, `#[dirs]`, `#[ignore_missing_env_vars]`.
#[derive(Default)]
pub(crate) struct Files {
    pub(crate) globs: Vec<LitStr>,
    pub(crate) exclude: Vec<LitStr>,
    pub(crate) dot_files: bool,
    pub(crate) base_dir: Option<LitStr>,
    /// Directories match too, not only files.
    pub(crate) dirs: bool,
    /// An unset `$VAR` reads as empty instead of being an error.
    pub(crate) missing_env_empty: bool,
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
    /// Written `x: impl Trait`: the one form that can take a fixture returning `impl Trait`.
    pub(crate) opaque: bool,
    /// A destructuring pattern (`(a, b): (u32, u32)`) as written, for the failing-case report.
    pub(crate) pattern: Option<String>,
    /// rstest's doc comments on `#[values]` entries (`/// short`), one per value; they name
    /// the value's tests instead of its text. Empty when no entry has one.
    pub(crate) value_docs: Vec<Option<String>>,
}

/// A `#[values]` entry: rstest lets a doc comment precede it (`/// short_value`).
struct DocExpr {
    doc: Option<String>,
    expr: Expr,
}

impl syn::parse::Parse for DocExpr {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let mut doc: Option<String> = None;
        for attr in Attribute::parse_outer(input)? {
            let text = match &attr.meta {
                Meta::NameValue(nv) if attr.path().is_ident("doc") => lit_str(&nv.value),
                _ => None,
            };
            let Some(text) = text else {
                return Err(syn::Error::new_spanned(
                    &attr,
                    "only a doc comment (`/// name`) may precede a value in `#[values(..)]`",
                ));
            };
            let line = text.value();
            let line = line.trim();
            let joined = doc.map_or_else(|| line.to_owned(), |d| format!("{d} {line}"));
            doc = Some(joined.trim().to_owned());
        }
        Ok(DocExpr {
            doc: doc.filter(|d| !d.is_empty()),
            expr: input.parse()?,
        })
    }
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
    let generics = func.sig.generics.clone();
    let mut supplied = 0;
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
        let mut context = false;
        let mut ignore = false;
        let mut value_docs = Vec::new();
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
            } else if path.is_ident("context") && matches!(attr.meta, Meta::Path(_)) {
                context = true;
            } else if path.is_ident(IGNORE) && matches!(attr.meta, Meta::Path(_)) {
                ignore = true;
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
            } else if path.is_ident("dirs") {
                files.get_or_insert_with(Files::default).dirs = true;
            } else if path.is_ident("ignore_missing_env_vars") {
                files.get_or_insert_with(Files::default).missing_env_empty = true;
            } else if path.is_ident("base_dir") {
                let dir = match &attr.meta {
                    Meta::NameValue(nv) => lit_str_tokens(&nv.value.to_token_stream()),
                    _ => None,
                };
                match dir {
                    Some(d) => files.get_or_insert_with(Files::default).base_dir = Some(d),
                    None => cx.error_at(&attr, "write the directory as `#[base_dir = \"data\"]`"),
                }
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
                match attr.parse_args_with(Punctuated::<DocExpr, Token![,]>::parse_terminated) {
                    Ok(list) if list.is_empty() => {
                        cx.error_at(&attr, "`#[values()]` needs at least one value")
                    }
                    Ok(list) => {
                        let (docs, list): (Vec<_>, Vec<_>) =
                            list.into_iter().map(|d| (d.doc, d.expr)).unzip();
                        if docs.iter().any(Option::is_some) {
                            value_docs = docs;
                        }
                        values = Some(list);
                    }
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
        let opaque = matches!(*typed.ty, Type::ImplTrait(_));
        if future == Future::Pass {
            let inner = &typed.ty;
            *typed.ty = syn::parse_quote_spanned!(inner.span()=>
                impl ::core::future::Future<Output = #inner>
            );
        }
        let ty = (*typed.ty).clone();
        let source = if ignore {
            supplied += 1;
            Source::Supplied(supplied - 1)
        } else if context {
            context_type(&ty, cx);
            Source::Context {
                by_ref: matches!(ty, Type::Reference(_)),
            }
        } else if case {
            Source::Case
        } else if let Some(f) = files {
            if f.globs.is_empty() {
                cx.error(span, "add the files to take: `#[files(\"data/*.txt\")]`");
            }
            Source::Files(f)
        } else if let Some(d) = default {
            // rstest's `#[default("127.0.0.1:9000")] addr: SocketAddr`.
            let tokens: Vec<_> = d.to_token_stream().into_iter().collect();
            match crate::literal::convert(&ty, &tokens, &generics) {
                Some(wrapped) => Source::Default(Expr::Verbatim(wrapped)),
                None => Source::Default(d),
            }
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
        let pattern = match &*typed.pat {
            Pat::Ident(_) => None,
            other => Some(crate::text::source_text(other.to_token_stream())),
        };
        out.push(Param {
            name,
            span,
            source,
            future,
            by_ref: lend,
            opaque,
            pattern,
            value_docs,
        });
    }
    out
}

/// rstest's `#[context] ctx: Context` names rstest's own type; testrig's is `TestContext`.
/// Not brought in under rstest's name: `Context` is anyhow's trait and std's task context too.
fn context_type(ty: &Type, cx: &mut Ctxt) {
    let inner = match ty {
        Type::Reference(r) => &*r.elem,
        other => other,
    };
    if let Type::Path(p) = inner
        && last_ident(&p.path) == "Context"
    {
        cx.error_at(
            p,
            "`#[context]` hands testrig's `TestContext`: write `TestContext` (or \
             `&TestContext`); rstest's fields are its methods `function()` (`name`), \
             `module()`, `case_id()` (`description`), `case_index()` (`case`) and \
             `started()` (`start`)",
        );
    }
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
    // A name of letters, digits and `_` is an identifier unless it is one of the keywords
    // syn refuses as one: no need to lex it again.
    let simple = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    let plain = if simple {
        !syn_keyword(name)
    } else {
        syn::parse_str::<Ident>(name).is_ok()
    };
    if plain || matches!(name, "self" | "super" | "crate" | "Self" | "_") {
        Ident::new(name, span)
    } else {
        Ident::new_raw(name, span)
    }
}

/// The words syn's `Ident` parser refuses (its `accept_as_ident`).
fn syn_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
        "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if",
        "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
        "pub", "ref", "return", "Self", "self", "static", "struct", "super", "trait", "true",
        "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    // Every keyword but `_` is 2 to 8 letters.
    if name != "_" && (name.len() > 8 || name.contains('_')) {
        return false;
    }
    KEYWORDS.contains(&name)
}
