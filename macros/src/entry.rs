//! Each macro: parse, validate, expand. On errors the user's item is still emitted (so one
//! mistake does not cascade into unresolved-name errors), followed by all the errors.

use crate::item::FnItem as ItemFn;
use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::compact;
use crate::ctxt::Ctxt;
use crate::expand;
use crate::parse::{self, is_fixture_use, is_testrig_test};
use crate::symbol::{ONCE, TIMEOUT};
use crate::valid;

fn parse_fn(item: TokenStream, what: &str, cx: &mut Ctxt) -> Option<ItemFn> {
    match ItemFn::from_tokens(item.clone()) {
        Ok(f) => Some(f),
        Err(_) => {
            let span = syn::parse2::<syn::Item>(item)
                .ok()
                .map(|i| first_token_span(&i))
                .unwrap_or_else(proc_macro2::Span::call_site);
            cx.error(
                span,
                format!("`{what}` applies to a function: put it on an `fn`"),
            );
            None
        }
    }
}

fn first_token_span(item: &syn::Item) -> proc_macro2::Span {
    item.to_token_stream()
        .into_iter()
        .find(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == '#'))
        .map_or_else(proc_macro2::Span::call_site, |t| t.span())
}

/// The user's item as it would compile without testrig: parameter attributes stripped.
/// Parsed again from the input: this runs only on errors, so the good path clones nothing.
fn fallback(item: TokenStream) -> TokenStream {
    let Ok(mut func) = ItemFn::from_tokens(item.clone()) else {
        return item;
    };
    let mut cx = Ctxt::default();
    parse::params(&mut func, &mut cx);
    // Test attributes go too: `#[tokio::test]` on a function with parameters would only add
    // errors of its own to the ones that matter.
    func.attrs.retain(|a| {
        !parse::is_case(a.path())
            && !is_fixture_use(a.path())
            && !parse::is_test_attr(a)
            && !a.path().is_ident(TIMEOUT)
            && !a.path().is_ident(ONCE)
    });
    func.into_token_stream()
}

pub(crate) fn fixture(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let mut compact = compact::read(args, compact::Kind::Fixture, &mut cx);
    let mut args = parse::fixture_args(std::mem::take(&mut compact.options), &mut cx);
    let Some(mut func) = parse_fn(item.clone(), "#[fixture]", &mut cx) else {
        let errors = cx.into_compile_errors();
        return quote!(#item #errors);
    };
    compact::apply(compact, &mut func, &mut cx);
    // rstest's `#[once]`: built once, shared by reference, which is a session fixture.
    if let Some(pos) = func.attrs.iter().position(|a| a.path().is_ident(ONCE)) {
        func.attrs.remove(pos);
        args.session = true;
    }
    args.returns = return_types(&mut func, &mut cx);
    let params = parse::params(&mut func, &mut cx);
    valid::fixture(&func, &args, &params, &mut cx);
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        let item = fallback(item);
        return quote!(#item #errors);
    }
    expand::fixture::expand(&func, &args, &params)
}

/// rstest's `#[default(Type)]` and `#[partial_N(Type)]` on a fixture, taken off the function.
fn return_types(func: &mut ItemFn, cx: &mut Ctxt) -> Vec<(String, syn::Type)> {
    let mut out: Vec<(String, syn::Type)> = Vec::new();
    let mut kept = Vec::new();
    for attr in std::mem::take(&mut func.attrs) {
        let Some(key) = attr.path().get_ident().map(ToString::to_string) else {
            kept.push(attr);
            continue;
        };
        let partial = key
            .strip_prefix("partial_")
            .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n > 0));
        if key != crate::symbol::DEFAULT && !partial {
            kept.push(attr);
            continue;
        }
        if out.iter().any(|(k, _)| *k == key) {
            cx.error_at(
                attr.path(),
                format!("`#[{key}(..)]` is given twice; keep one"),
            );
            continue;
        }
        match attr.parse_args::<syn::Type>() {
            Ok(ty) => out.push((key, ty)),
            Err(e) => cx.push(e),
        }
    }
    func.attrs = kept;
    out
}

pub(crate) fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    // The item's trees are read once, for both questions: each read is a request to the
    // compiler that copies every tree.
    let trees: Vec<TokenTree> = item.clone().into_iter().collect();
    if expand::module::is_mod_trees(&trees) {
        return expand::module::expand(expand::module::Kind::Options, args, item);
    }
    let mut cx = Ctxt::default();
    let mut compact = compact::read(args, compact::Kind::Test, &mut cx);
    let mut args = parse::test_args(std::mem::take(&mut compact.options), &mut cx);
    let (mut func, raw_cases) = match ItemFn::from_tokens_with_cases(trees) {
        Ok(parsed) => parsed,
        Err(_) => {
            parse_fn(item.clone(), "#[testrig::test]", &mut cx);
            let errors = cx.into_compile_errors();
            return quote!(#item #errors);
        }
    };
    // Compact cases first: rstest reads the attribute's arguments before the function's.
    let mut cases = compact::apply(compact, &mut func, &mut cx);
    cases.extend(raw_cases.into_iter().map(|c| {
        let mut case = parse::case_tokens(c.span, c.short, c.tokens, &mut cx);
        crate::case_marks::case_marks(&mut case, c.marks, &mut cx);
        case
    }));
    let mut uses = Vec::new();
    let mut kept = Vec::new();
    let mut awt = false;
    for attr in std::mem::take(&mut func.attrs) {
        if parse::is_case(attr.path()) {
            cases.push(parse::case(&attr, &mut cx));
        } else if attr.path().is_ident(TIMEOUT) {
            // rstest's `#[timeout(Duration::from_millis(250))]`: testrig's `timeout = "250ms"`.
            match parse::rstest_timeout(&attr) {
                Ok(_) if args.timeout.is_some() => cx.error_at(
                    &attr,
                    "the test has a `timeout` option already; keep one of the two",
                ),
                Ok(limit) => args.timeout = Some(limit),
                Err(e) => cx.push(e),
            }
        } else if attr.path().is_ident("trace") || attr.path().is_ident("awt") {
            awt |= attr.path().is_ident("awt");
            // rstest's `#[trace]` (testrig reports every argument of a failing case anyway)
            // and `#[awt]` (testrig awaits async fixtures for async tests anyway).
        } else if attr.path().is_ident("test_attr") {
            // rstest's `#[test_attr(tokio::test)]`: the attribute each test gets.
            match attr.parse_args::<syn::Meta>() {
                Ok(meta) => kept.push(syn::parse_quote!(#[#meta])),
                Err(e) => cx.push(e),
            }
        } else if is_fixture_use(attr.path()) {
            match &attr.meta {
                syn::Meta::List(l) => uses.extend(parse::use_list(l.tokens.clone(), &mut cx)),
                _ => cx.error_at(&attr, "list the fixtures: `#[fixture_use(a, b)]`"),
            }
        } else {
            kept.push(attr);
        }
    }
    func.attrs = kept;
    if awt {
        // rstest's `#[awt]`: every `#[future]` parameter is awaited before the call.
        for arg in &mut func.sig.inputs {
            if let syn::FnArg::Typed(t) = arg {
                for a in &mut t.attrs {
                    if a.path().is_ident("future") && matches!(a.meta, syn::Meta::Path(_)) {
                        *a = syn::parse_quote!(#[future(awt)]);
                    }
                }
            }
        }
    }
    let mut params = parse::params(&mut func, &mut cx);
    for p in &mut params {
        if let parse::Source::Files(f) = &mut p.source {
            (f.values, f.names) = crate::files::resolve(f, &mut cx);
        }
    }
    // Validation and expansion both name the cases: the names are made once.
    let labels = valid::labels(&cases);
    let case_names = crate::naming::case_names(&labels);
    let bound = valid::test(&func, &params, &cases, &case_names, &uses, &mut cx);
    valid::test_options(&args, &cases, &mut cx);
    if func.sig.asyncness.is_some()
        && !func.attrs.iter().any(parse::is_runtime_attr)
        && !cfg!(feature = "tokio")
    {
        cx.error_at(
            func.sig.asyncness,
            "an async test needs a runtime: add `#[tokio::test]` below `#[testrig::test]`, or \
             enable testrig's feature `tokio`",
        );
    }
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        let item = fallback(item);
        return quote!(#item #errors);
    }
    expand::test::expand(expand::test::Plan {
        func,
        params: &params,
        bound,
        cases: &cases,
        labels: &labels,
        case_names: &case_names,
        uses: &uses,
        autouse: !args.no_autouse,
        options: Some(&args),
        add_test_attr: true,
    })
}

pub(crate) fn fixture_use(args: TokenStream, item: TokenStream) -> TokenStream {
    if expand::module::is_mod(&item) {
        return expand::module::expand(expand::module::Kind::Uses, args, item);
    }
    let mut cx = Ctxt::default();
    let uses = parse::use_list(args.clone(), &mut cx);
    let Some(func) = parse_fn(item.clone(), "#[fixture_use]", &mut cx) else {
        let errors = cx.into_compile_errors();
        return quote!(#item #errors);
    };
    // `#[testrig::test]` further down: hand the list to it, which sees every fixture at once.
    if let Some(pos) = func.attrs.iter().position(|a| is_testrig_test(a.path())) {
        let mut func = func;
        let test_attr = func.attrs.remove(pos);
        let attrs = &func.attrs;
        let rest = ItemFn {
            attrs: Vec::new(),
            ..func.clone()
        };
        return quote! {
            #test_attr
            #[::testrig::fixture_use(#args)]
            #(#attrs)*
            #rest
        };
    }
    // Further `#[fixture_use]`s on the same test join this one's list, so that the fixtures
    // are set up once, in one runner, and a fixture named twice is reported.
    let mut func = func;
    let mut uses = uses;
    for attr in std::mem::take(&mut func.attrs) {
        if is_fixture_use(attr.path()) {
            match &attr.meta {
                syn::Meta::List(l) => uses.extend(parse::use_list(l.tokens.clone(), &mut cx)),
                _ => cx.error_at(&attr, "list the fixtures: `#[fixture_use(a, b)]`"),
            }
        } else {
            func.attrs.push(attr);
        }
    }
    valid::unique_uses(&uses, &mut cx);
    if !func.sig.inputs.is_empty() {
        cx.error_at(
            &func.sig.inputs,
            "a plain test takes no parameters; to inject fixtures by name use `#[testrig::test]`",
        );
    }
    if func.sig.asyncness.is_some() && !func.attrs.iter().any(parse::is_runtime_attr) {
        cx.error_at(
            func.sig.asyncness,
            "an async test needs a runtime: add `#[tokio::test]` below `#[fixture_use]`, or use \
             `#[testrig::test]`",
        );
    }
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        return quote!(#func #errors);
    }
    expand::test::expand(expand::test::Plan {
        func,
        params: &[],
        bound: Vec::new(),
        cases: &[],
        labels: &[],
        case_names: &[],
        uses: &uses,
        autouse: true,
        options: None,
        add_test_attr: false,
    })
}
