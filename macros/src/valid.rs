//! Every check on a parsed item, each error spanned at the narrowest wrong token. Checks run
//! before any code is generated and report all problems of an item together.

use crate::item::FnItem as ItemFn;
use quote::ToTokens;
use syn::ext::IdentExt;

use crate::ctxt::Ctxt;
use crate::duration;
use crate::naming;
use crate::parse::{CaseAttr, FixtureArgs, Param, Source, TestArgs, path_text};

pub(crate) fn fixture(func: &ItemFn, args: &FixtureArgs, params: &[Param], cx: &mut Ctxt) {
    generics(func, cx);
    opaque(func, args, cx);
    for (key, ty) in &args.returns {
        let n = key
            .strip_prefix("partial_")
            .and_then(|n| n.parse::<usize>().ok());
        if n.is_some_and(|n| n > params.len()) {
            cx.error_at(
                ty,
                format!(
                    "`#[{key}(..)]` names a `{key}` that does not exist: the fixture takes {} \
                     argument(s), so it has `partial_1` to `partial_{}`",
                    params.len(),
                    params.len()
                ),
            );
        }
        if args.session || args.params.values.is_some() {
            cx.error_at(
                ty,
                format!(
                    "`#[{key}(..)]` sets the return type of `name::{key}(..)`, which a session or \
                     parametrized fixture does not have; remove it"
                ),
            );
        }
    }
    crate::params::check(func, args, params, cx);
    let is_async = func.sig.asyncness.is_some();
    if let (Some(span), true) = (args.autouse, is_async) {
        cx.error(
            span,
            "an `autouse` fixture must be sync: it is set up for sync tests too; make it a plain \
             `fn`",
        );
    }
    if is_async && args.session && !params.is_empty() {
        cx.error_at(
            &func.sig.inputs,
            "an async session fixture takes no parameters: it is built on testrig's session \
             runtime, apart from any test",
        );
    }
    for p in params {
        fixture_param(p, cx);
        takes_itself(func, p, cx);
        if let Source::Supplied(_) = p.source {
            cx.error(
                p.span,
                "`#[ignore]` leaves a test's parameter to another attribute macro; a fixture's \
                 parameters are testrig's to fill: remove `#[ignore]`",
            );
        }
        if let Source::Values(_) | Source::Strategy(_) | Source::Case | Source::Files(_) = p.source
        {
            cx.error(
                p.span,
                "`#[case]`, `#[values]`, `#[files]` and `#[strategy]` belong on test parameters, not on \
                 fixtures",
            );
        }
    }
}

/// A fixture parameter that names the fixture being defined (`fn db(db: Db)`): a cycle that
/// can be told here, with a sentence, instead of by the trait solver.
fn takes_itself(func: &ItemFn, p: &Param, cx: &mut Ctxt) {
    let Source::Fixture { path, .. } = &p.source else {
        return;
    };
    let own = func.sig.ident.to_string();
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let itself = match segments.as_slice() {
        [name] => *name == own,
        [first, name] => first == "self" && *name == own,
        _ => false,
    };
    if itself {
        cx.error_at(
            path,
            format!(
                "fixture `{own}` asks for itself: a parameter is looked up as the fixture of its \
                 name; to build on another fixture of that name, name it by path: \
                 `#[from(path::to::{own})]`"
            ),
        );
    }
}

/// A fixture returning `impl Trait` is built by its own code for each parameter that takes
/// it; whatever needs its value stored (a session, a parameter list, `autouse`) cannot be.
fn opaque(func: &ItemFn, args: &FixtureArgs, cx: &mut Ctxt) {
    let syn::ReturnType::Type(_, ty) = &func.sig.output else {
        return;
    };
    if !matches!(**ty, syn::Type::ImplTrait(_)) {
        return;
    }
    let why = if args.session {
        Some("a session (`#[once]`) fixture")
    } else if args.params.values.is_some() {
        Some("a parametrized fixture")
    } else if args.autouse.is_some() {
        Some("an `autouse` fixture")
    } else if func.sig.asyncness.is_some() {
        Some("an `async fn` fixture")
    } else {
        None
    };
    if let Some(what) = why {
        cx.error_at(
            ty,
            format!(
                "{what} cannot return `impl Trait`: testrig must store its value, and stable Rust \
                 cannot name the type; return a concrete type or a `Box<dyn Trait>`"
            ),
        );
    }
}

fn generics(func: &ItemFn, cx: &mut Ctxt) {
    if !func.sig.generics.params.is_empty() {
        cx.error_at(
            &func.sig.generics,
            "fixtures and tests cannot be generic; name concrete types",
        );
    }
}

fn fixture_param(p: &Param, cx: &mut Ctxt) {
    if p.name.is_empty()
        && let Source::Fixture { path, .. } = &p.source
        && path.is_ident("__testrig_no_name")
    {
        cx.error(
            p.span,
            "a fixture parameter must be a plain name (the fixture's), or take \
             `#[from(path::to::fixture)]`",
        );
    }
}

/// Checks of `#[testrig::test]`; returns the parameters the cases bind, in value order:
/// those marked `#[case]` (rstest's form, wherever they stand), else the leading ones.
pub(crate) fn test(
    func: &ItemFn,
    params: &[Param],
    cases: &[CaseAttr],
    case_names: &[String],
    uses: &[syn::Path],
    cx: &mut Ctxt,
) -> Vec<usize> {
    unique_uses(uses, cx);
    let marked: Vec<usize> = (0..params.len())
        .filter(|&i| matches!(params[i].source, Source::Case))
        .collect();
    if cases.is_empty() {
        for &i in &marked {
            cx.error(
                params[i].span,
                "this parameter is marked `#[case]` but the test has no cases; add \
                 `#[case(...)]` attributes or remove the marker",
            );
        }
        for p in params.iter().filter(|p| !matches!(p.source, Source::Case)) {
            fixture_param(p, cx);
        }
        strategy(func, params, false, cx);
        return Vec::new();
    }
    if params.is_empty() {
        cx.error(
            cases[0].attr_span,
            "`#[case]` needs parameters to bind its values to; add them to the function",
        );
        return Vec::new();
    }
    let by_marker = !marked.is_empty();
    let count = if by_marker {
        marked.len()
    } else {
        cases[0].values.len()
    };
    for case in cases {
        let n = case.values.len();
        let plural = if n == 1 { "" } else { "s" };
        if by_marker && n != count {
            cx.error(
                case.attr_span,
                format!(
                    "this case has {n} value{plural} but {count} parameter{} marked `#[case]`; \
                     give one value per marked parameter",
                    if count == 1 { " is" } else { "s are" }
                ),
            );
        } else if n != count {
            cx.error(
                case.attr_span,
                format!(
                    "this case has {n} value{plural}, the first one has {count}; every case binds \
                     the same leading parameters"
                ),
            );
        }
        if n > params.len() && !by_marker {
            cx.error(
                case.attr_span,
                format!(
                    "this case has {n} values but the function has only {} parameter{}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" }
                ),
            );
        }
        if case.xfail.is_some() && case.should_panic.is_some() {
            cx.error(
                case.attr_span,
                "a case is either `xfail` or `should_panic`, not both; keep one",
            );
        }
    }
    case_ids(cases, case_names, cx);
    let bound: Vec<usize> = if by_marker {
        marked
    } else {
        (0..count.min(params.len())).collect()
    };
    for &i in &bound {
        let p = &params[i];
        let plain = match &p.source {
            Source::Case => true,
            Source::Fixture { path, .. } => path.segments.len() == 1,
            _ => false,
        };
        if !plain {
            cx.error(
                p.span,
                "this parameter takes its value from `#[case]`; remove `#[values]`, \
                 `#[strategy]` and `#[from]` from it",
            );
        }
    }
    for (i, p) in params.iter().enumerate() {
        if !bound.contains(&i) {
            fixture_param(p, cx);
        }
    }
    strategy(func, params, true, cx);
    bound
}

/// Two cases of one test whose names come out equal: an error at the second. Repeated
/// `case::name`s are numbered instead (see `naming::case_names`), so this fires for explicit
/// `id = "..."` clashes.
fn case_ids(cases: &[CaseAttr], names: &[String], cx: &mut Ctxt) {
    // Sorted by name (then position), equal names sit together with the first case first:
    // cheaper than hashing every name in a macro crate built without optimizations.
    let mut order: Vec<usize> = (0..cases.len().min(names.len())).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]).then(a.cmp(&b)));
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut first = order.first().copied().unwrap_or_default();
    for pair in order.windows(2) {
        if names[pair[0]] == names[pair[1]] {
            taken.push((pair[1], first));
        } else {
            first = pair[1];
        }
    }
    taken.sort_unstable();
    for (i, at) in taken {
        let (case, name) = (&cases[i], &names[i]);
        let span = case
            .id
            .as_ref()
            .map(|(_, span)| *span)
            .or_else(|| case.short.as_ref().map(proc_macro2::Ident::span))
            .unwrap_or(case.attr_span);
        cx.error(
            span,
            format!(
                "case id `{name}` is already taken by case {}; ids must differ after \
                 sanitizing (lower case, runs of other characters become `_`)",
                at + 1
            ),
        );
    }
}

/// How each case names itself, for `naming::case_names`.
pub(crate) fn labels(cases: &[CaseAttr]) -> Vec<naming::CaseLabel> {
    cases
        .iter()
        .map(|c| match (&c.id, &c.short) {
            (Some((id, _)), _) => naming::CaseLabel::Id(id.clone()),
            (None, Some(short)) => naming::CaseLabel::Short(short.unraw().to_string()),
            (None, None) => naming::CaseLabel::None,
        })
        .collect()
}

fn strategy(func: &ItemFn, params: &[Param], has_cases: bool, cx: &mut Ctxt) {
    let values = params
        .iter()
        .any(|p| matches!(p.source, Source::Values(_) | Source::Files(_)));
    for p in params {
        let Source::Strategy(e) = &p.source else {
            continue;
        };
        if !cfg!(feature = "proptest") {
            cx.error_at(
                e,
                "`#[strategy]` needs testrig's feature `proptest`: enable it in Cargo.toml",
            );
        } else if has_cases || values {
            cx.error_at(
                e,
                "`#[strategy]` cannot be combined with `#[case]` or `#[values]`; write a \
                 separate property test",
            );
        } else if func.sig.asyncness.is_some() {
            cx.error_at(e, "`#[strategy]` parameters work on sync tests only");
        }
    }
}

pub(crate) fn unique_uses(uses: &[syn::Path], cx: &mut Ctxt) {
    let mut seen: Vec<String> = Vec::new();
    for p in uses {
        let text = path_text(p);
        if seen.contains(&text) {
            cx.error_at(
                p.to_token_stream(),
                format!("fixture `{text}` is listed twice; list each fixture once"),
            );
        } else {
            seen.push(text);
        }
    }
}

/// The run options of `#[testrig::test(...)]` and the per-case `timeout` marks: durations
/// that parse (the runtime reads them again), keys that name something.
pub(crate) fn test_options(args: &TestArgs, cases: &[CaseAttr], cx: &mut Ctxt) {
    let limits = args
        .timeout
        .iter()
        .chain(cases.iter().filter_map(|c| c.timeout.as_ref()));
    for limit in limits {
        if let Some(problem) = duration::problem(&limit.value()) {
            cx.error(limit.span(), problem);
        }
    }
    if let (Some(_), Some(shared)) = (args.serial_keyless, args.shared_keyless) {
        cx.error(
            shared,
            "the keyless key is listed twice; keep `serial` (alone on the key) or `shared` \
             (beside other shared holders)",
        );
    }
    let mut seen: Vec<String> = Vec::new();
    for (option, key) in args
        .serial
        .iter()
        .map(|k| ("serial", k))
        .chain(args.shared.iter().map(|k| ("shared", k)))
    {
        let text = key.value();
        if text.trim().is_empty() {
            cx.error(
                key.span(),
                format!(
                    "a {option} key cannot be empty; name the shared resource, e.g. \
                     `{option} = \"db\"`, or write a bare `{option}` for the keyless key"
                ),
            );
        } else if seen.contains(&text) {
            cx.error(
                key.span(),
                format!(
                    "key `{text}` is listed twice; list each key once, as `serial` (alone on \
                     the key) or as `shared` (beside other shared holders)"
                ),
            );
        } else {
            seen.push(text);
        }
    }
}
