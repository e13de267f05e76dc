//! `#[testrig::test]` and `#[fixture_use]`: thin `#[test]` functions that hand the user's
//! function, as a plain `fn` pointer, to testrig's runner. Everything else (set-up,
//! teardown, leak check, xfail, case report) lives once in the runtime crate.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Attribute, Expr, Ident, Path};

use crate::item::FnItem as ItemFn;

use crate::expand::fixture::dep;
use crate::parse::{CaseAttr, Param, Source, TestArgs, is_runtime_attr, is_test_attr};
use crate::symbol::{IGNORE, SHOULD_PANIC};

/// What to generate for one test function.
pub(crate) struct Plan<'a> {
    /// The user's function, testrig's attributes removed.
    pub(crate) func: ItemFn,
    pub(crate) params: &'a [Param],
    /// The parameters `#[case]` binds, in the order of the case values.
    pub(crate) bound: Vec<usize>,
    pub(crate) cases: &'a [CaseAttr],
    /// How each case names itself, and the test names made of that (`valid::labels`,
    /// `naming::case_names`).
    pub(crate) labels: &'a [crate::naming::CaseLabel],
    pub(crate) case_names: &'a [String],
    pub(crate) uses: &'a [Path],
    pub(crate) autouse: bool,
    /// `#[testrig::test(...)]` options (`isolated`, `timeout`, `serial`, `shared`); `None` for
    /// `#[fixture_use]` alone.
    pub(crate) options: Option<&'a TestArgs>,
    /// `#[fixture_use]` alone never adds `#[test]` (the item has its own, or had it).
    pub(crate) add_test_attr: bool,
}

pub(super) struct Attrs {
    /// Go on each generated test function.
    pub(super) leaf: Vec<Attribute>,
    /// `#[cfg]`: on everything generated.
    pub(super) cfg: Vec<Attribute>,
    /// Stay on the user's function.
    pub(super) rest: Vec<Attribute>,
    pub(super) has_test: bool,
    pub(super) runtime: bool,
}

fn split_attrs(attrs: Vec<Attribute>) -> Attrs {
    let mut out = Attrs {
        leaf: Vec::new(),
        cfg: Vec::new(),
        rest: Vec::new(),
        has_test: false,
        runtime: false,
    };
    for attr in attrs {
        if is_test_attr(&attr) {
            out.has_test = true;
            out.runtime |= is_runtime_attr(&attr);
            out.leaf.push(attr);
        } else if attr.path().is_ident(SHOULD_PANIC)
            || attr.path().is_ident(IGNORE)
            || attr.path().is_ident("rustc_test_marker")
        {
            out.leaf.push(attr);
        } else if attr.path().is_ident("cfg") {
            out.cfg.push(attr);
        } else {
            out.rest.push(attr);
        }
    }
    out
}

pub(crate) fn expand(plan: Plan<'_>) -> TokenStream {
    let mut func = plan.func.clone();
    let attrs = split_attrs(std::mem::take(&mut func.attrs));
    if !attrs.has_test
        && let Some(p) = plan
            .params
            .iter()
            .find(|p| matches!(p.source, Source::Supplied(_)))
    {
        return syn::Error::new(
            p.span,
            "`#[ignore]` leaves this parameter to another attribute macro below \
             `#[testrig::test]` that fills it (`#[sqlx::test]`, say); add that macro, or drop \
             `#[ignore]` to have testrig resolve the parameter",
        )
        .to_compile_error();
    }
    let matrix: Vec<(usize, &Vec<Expr>)> = plan
        .params
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match &p.source {
            Source::Values(v) => Some((i, v)),
            Source::Files(f) => Some((i, &f.values)),
            _ => None,
        })
        .collect();
    if plan.cases.is_empty() && matrix.is_empty() {
        single(&plan, func, attrs)
    } else {
        super::cases::many(&plan, func, attrs, &matrix)
    }
}

/// How a leaf test drives the user's function.
pub(super) struct Drive {
    pub(super) is_async: bool,
    pub(super) runtime: bool,
    /// The user's function returns `()`: call it directly, no `check(...)` to type-check.
    pub(super) unit: bool,
    /// A sync test whose body takes nothing from testrig but its case values: its body fn has
    /// no resolver, and the runner may start it without a context (`run_bare`).
    pub(super) bare: bool,
}

impl Drive {
    /// The runner call of a test without cases, and whether the test fn is `async`.
    fn call(&self, call: TokenStream) -> (TokenStream, bool) {
        let p = crate::expand::Private;
        if !self.is_async {
            let call = if self.unit {
                call
            } else {
                quote!(#p::check(#call))
            };
            if self.bare {
                return (
                    quote! {
                        fn __testrig_body() { #call }
                        #p::run_bare(&__TESTRIG_META, __testrig_body)
                    },
                    false,
                );
            }
            // A nested `fn` rather than a closure: the same plain `fn(&Resolver)` pointer,
            // without a closure type and its fn-pointer shim to compile.
            return (
                quote! {
                    fn __testrig_body(__r: &#p::Resolver) { #call }
                    #p::run(&__TESTRIG_META, __testrig_body)
                },
                false,
            );
        }
        let body = quote!(|__r| #p::boxed(async move { #p::check(#call.await) }));
        self.drive(
            quote!(#p::run_async(&__TESTRIG_META, #body)),
            quote!(#p::run_blocking(&__TESTRIG_META, #body)),
        )
    }

    /// The runner call of case `index`: the test's one body fn, told which case to run.
    pub(super) fn case_call(
        &self,
        meta: TokenStream,
        table: TokenStream,
        index: TokenStream,
        body: TokenStream,
    ) -> (TokenStream, bool) {
        let p = crate::expand::Private;
        if self.bare {
            return (
                quote!(#p::run_case_bare(#meta, #table, #index, #body)),
                false,
            );
        }
        if !self.is_async {
            return (quote!(#p::run_case(#meta, #table, #index, #body)), false);
        }
        self.drive(
            quote!(#p::run_case_async(#meta, #table, #index, #body)),
            quote!(#p::run_case_blocking(#meta, #table, #index, #body)),
        )
    }

    fn drive(&self, future: TokenStream, blocking: TokenStream) -> (TokenStream, bool) {
        if self.runtime {
            (quote!(#future.await), true)
        } else if cfg!(feature = "tokio") {
            (blocking, false)
        } else {
            (
                quote!(::core::compile_error!(
                    "an async test needs a runtime: add `#[tokio::test]` below `#[testrig::test]`, \
                     or enable testrig's feature `tokio`"
                )),
                false,
            )
        }
    }
}

/// The test's `TestMeta`: a `static __TESTRIG_META` item (and `true`), or, when `promotable`
/// allows and nothing in it needs an item of its own, an expression `&TestMeta { .. }` (and
/// `false`).
pub(super) fn meta_static(
    plan: &Plan<'_>,
    attrs: &Attrs,
    name: &Ident,
    is_async: bool,
    promotable: bool,
) -> (TokenStream, bool) {
    let p = crate::expand::Private;
    let name_str = name.to_string();
    let uses = plan.uses.iter().map(|u| {
        let span = u
            .segments
            .last()
            .map_or(Span::call_site(), |s| s.ident.span());
        if is_async {
            quote_spanned!(span=> #p::Use::of_async::<<#u as #p::Named>::Me>())
        } else {
            quote_spanned!(span=> #p::Use::of::<<#u as #p::Named>::Me>())
        }
    });
    let autouse = plan.autouse;
    // A bare `#[should_panic]` would take a timeout's panic for the one it expects.
    let any_panic_passes = attrs
        .leaf
        .iter()
        .any(|a| a.path().is_ident(SHOULD_PANIC) && matches!(a.meta, syn::Meta::Path(_)));
    let expects_panic = attrs.leaf.iter().any(|a| a.path().is_ident(SHOULD_PANIC));
    // Tests without options name one shared constant, so they cost nothing more to compile.
    let options = match plan.options.filter(|o| o.has_run_options()) {
        None => quote!(#p::RunOptions::NONE),
        Some(o) => {
            let isolated = o.isolated;
            let timeout = match &o.timeout {
                Some(t) => quote!(::core::option::Option::Some(#t)),
                None => quote!(::core::option::Option::None),
            };
            let keyless = o.serial_keyless.is_some().then(|| quote!("",));
            let serial = &o.serial;
            let shared_keyless = o.shared_keyless.is_some().then(|| quote!("",));
            let shared = &o.shared;
            quote! {
                #p::RunOptions {
                    isolated: #isolated,
                    timeout: #timeout,
                    serial: &[#keyless #(#serial),*],
                    shared: &[#shared_keyless #(#shared),*],
                }
            }
        }
    };
    let value = quote! {
        #p::TestMeta {
            name: #name_str,
            module: ::core::module_path!(),
            file: ::core::file!(),
            uses: &[#(#uses),*],
            autouse: #autouse,
            options: #options,
            any_panic_passes: #any_panic_passes,
            expects_panic: #expects_panic,
        }
    };
    // Without `#[fixture_use]` paths or options, every field is a literal or a constant, so
    // `&TestMeta { .. }` is promoted to a `'static` in place: one item fewer to check.
    if promotable && plan.uses.is_empty() && plan.options.is_none_or(|o| !o.has_run_options()) {
        return (quote!(&#value), false);
    }
    (quote!(static __TESTRIG_META: #p::TestMeta = #value;), true)
}

/// rstest's `#[ignore]` parameters: testrig leaves them in each generated test's signature,
/// for another attribute macro below it (`#[sqlx::test]`) to fill, and hands what that macro
/// passes to the runner.
pub(crate) struct Supplied {
    /// `name: Type`, one per `#[ignore]` parameter.
    pub(super) sig: Vec<TokenStream>,
    names: Vec<Ident>,
}

impl Supplied {
    pub(super) fn of(params: &[Param], func: &ItemFn) -> Supplied {
        let mut out = Supplied {
            sig: Vec::new(),
            names: Vec::new(),
        };
        for (param, arg) in params.iter().zip(&func.sig.inputs) {
            let (Source::Supplied(k), syn::FnArg::Typed(t)) = (&param.source, arg) else {
                continue;
            };
            let name = match &*t.pat {
                syn::Pat::Ident(p) => p.ident.clone(),
                _ => Ident::new(&format!("__testrig_supplied_{k}"), param.span),
            };
            let ty = &t.ty;
            out.sig.push(quote!(#name: #ty));
            out.names.push(name);
        }
        out
    }

    pub(super) fn names(&self) -> &[Ident] {
        &self.names
    }

    /// `run` (the runner call of a generated test) with the supplied values pending for it.
    pub(super) fn wrap(&self, run: TokenStream, is_async: bool) -> TokenStream {
        if self.names.is_empty() {
            return run;
        }
        let p = crate::expand::Private;
        let names = &self.names;
        let values = quote!(::std::vec![#(#p::supply(#names)),*]);
        if is_async {
            quote!(#p::with_supplied_async(#values, async move { #run }).await)
        } else {
            quote!(#p::with_supplied(#values, || { #run }))
        }
    }
}

pub(super) fn test_attr(plan: &Plan<'_>, attrs: &Attrs, drive: &Drive) -> TokenStream {
    if plan.add_test_attr && !attrs.has_test && !(drive.is_async && drive.runtime) {
        quote!(#[::core::prelude::v1::test])
    } else {
        quote!()
    }
}

/// A test without cases: the user's function nested inside a test function of its name.
fn single(plan: &Plan<'_>, mut func: ItemFn, attrs: Attrs) -> TokenStream {
    let name = func.sig.ident.clone();
    let vis = func.vis.clone();
    let is_async = func.sig.asyncness.is_some();
    let drive = Drive {
        is_async,
        runtime: attrs.runtime,
        unit: matches!(func.sig.output, syn::ReturnType::Default),
        bare: !is_async && plan.params.is_empty() && plan.uses.is_empty(),
    };
    let strategies: Vec<&Expr> = plan
        .params
        .iter()
        .filter_map(|p| match &p.source {
            Source::Strategy(e) => Some(e),
            _ => None,
        })
        .collect();
    let (run, leaf_async) = if strategies.is_empty() {
        let args = plan.params.iter().map(|p| dep(p, is_async));
        drive.call(quote!(#name(#(#args),*)))
    } else {
        // A property test: proptest draws the strategy parameters, fixtures come as usual.
        let p = crate::expand::Private;
        let mut vars = Vec::new();
        let args: Vec<TokenStream> = plan
            .params
            .iter()
            .map(|param| match &param.source {
                Source::Strategy(_) => {
                    let v = Ident::new(&format!("__s{}", vars.len()), Span::call_site());
                    vars.push(v.clone());
                    v.to_token_stream()
                }
                _ => dep(param, false),
            })
            .collect();
        let call = quote!(#p::check(#name(#(#args),*)));
        (
            quote! {
                fn __testrig_body(__r: &#p::Resolver) {
                    #p::proptest(::core::file!(), (#(#strategies,)*), |(#(#vars,)*)| #call)
                }
                #p::run(&__TESTRIG_META, __testrig_body)
            },
            false,
        )
    };
    let (meta, _) = meta_static(plan, &attrs, &name, is_async, false);
    let test = test_attr(plan, &attrs, &drive);
    let asyncness = leaf_async.then(|| quote!(async));
    let Attrs {
        leaf, cfg, rest, ..
    } = attrs;
    func.attrs = rest;
    if !func.sig.inputs.is_empty() {
        // testrig hands each fixture over by value when the signature asks for a value.
        func.attrs
            .push(syn::parse_quote!(#[allow(clippy::needless_pass_by_value)]));
    }
    func.vis = syn::Visibility::Inherited;
    let supplied = Supplied::of(plan.params, &func);
    let run = supplied.wrap(run, leaf_async);
    let sig = &supplied.sig;
    let paths = super::params::test_paths(plan.uses, plan.params, &plan.bound);
    if !super::params::needed(&paths) {
        return quote! {
            #(#cfg)*
            #test
            #(#leaf)*
            #vis #asyncness fn #name(#(#sig),*) {
                #func
                #meta
                #run
            }
        };
    }
    super::params::single(super::params::Single {
        paths: &paths,
        cfg: &cfg,
        test,
        leaf: &leaf,
        vis: &vis,
        is_async: leaf_async,
        name: &name,
        body: quote!(#func #meta #run),
        supplied: &supplied,
    })
}
