//! `#[testrig::test]` and `#[fixture_use]`: thin `#[test]` functions that hand the user's
//! function, as a plain `fn` pointer, to testrig's runner. Everything else (set-up,
//! teardown, leak check, xfail, case report) lives once in the runtime crate.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::{Attribute, Expr, Ident, ItemFn, Path};

use crate::expand::fixture::dep;
use crate::naming;
use crate::parse::{CaseAttr, Param, Source, is_runtime_attr, is_test_attr};
use crate::text::{line_of, source_text};

/// What to generate for one test function.
pub(crate) struct Plan<'a> {
    /// The user's function, testrig's attributes removed.
    pub(crate) func: ItemFn,
    pub(crate) params: &'a [Param],
    /// How many leading parameters `#[case]` binds.
    pub(crate) bound: usize,
    pub(crate) cases: &'a [CaseAttr],
    pub(crate) uses: &'a [Path],
    pub(crate) autouse: bool,
    /// `#[fixture_use]` alone never adds `#[test]` (the item has its own, or had it).
    pub(crate) add_test_attr: bool,
}

struct Attrs {
    /// Go on each generated test function.
    leaf: Vec<Attribute>,
    /// `#[cfg]`: on everything generated.
    cfg: Vec<Attribute>,
    /// Stay on the user's function.
    rest: Vec<Attribute>,
    has_test: bool,
    runtime: bool,
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
        } else if attr.path().is_ident("should_panic")
            || attr.path().is_ident("ignore")
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
    let matrix: Vec<(usize, &Vec<Expr>)> = plan
        .params
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match &p.source {
            Source::Values(v) => Some((i, v)),
            _ => None,
        })
        .collect();
    if plan.cases.is_empty() && matrix.is_empty() {
        single(&plan, func, attrs)
    } else {
        many(&plan, func, attrs, &matrix)
    }
}

/// How a leaf test drives the user's function.
struct Drive {
    is_async: bool,
    runtime: bool,
    /// The user's function returns `()`: call it directly, no `check(...)` to type-check.
    unit: bool,
}

impl Drive {
    /// The runner call and whether the leaf fn is `async`.
    fn call(
        &self,
        meta: TokenStream,
        case: Option<TokenStream>,
        call: TokenStream,
    ) -> (TokenStream, bool) {
        let p = quote!(::testrig::__private);
        let call = if self.unit || self.is_async {
            call
        } else {
            quote!(#p::check(#call))
        };
        if !self.is_async {
            // A nested `fn` rather than a closure: the same plain `fn(&Resolver)` pointer,
            // without a closure type and its fn-pointer shim to compile per test.
            let body = quote!(fn __body(__r: &#p::Resolver) { #call });
            return match case {
                None => (quote!(#body #p::run(&#meta, __body)), false),
                Some(c) => (quote!(#body #p::run_case(&#meta, &#c, __body)), false),
            };
        }
        let body = quote!(|__r| #p::boxed(async move { #p::check(#call.await) }));
        if self.runtime {
            match case {
                None => (quote!(#p::run_async(&#meta, #body).await), true),
                Some(c) => (quote!(#p::run_case_async(&#meta, &#c, #body).await), true),
            }
        } else if cfg!(feature = "tokio") {
            match case {
                None => (quote!(#p::run_blocking(&#meta, #body)), false),
                Some(c) => (quote!(#p::run_case_blocking(&#meta, &#c, #body)), false),
            }
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

fn meta_static(plan: &Plan<'_>, name: &Ident, is_async: bool) -> TokenStream {
    let p = quote!(::testrig::__private);
    let name_str = name.to_string();
    let uses = plan.uses.iter().map(|u| {
        let span = u
            .segments
            .last()
            .map_or(Span::call_site(), |s| s.ident.span());
        if is_async {
            quote_spanned!(span=> #p::Use::of_async::<#u>())
        } else {
            quote_spanned!(span=> #p::Use::of::<#u>())
        }
    });
    let autouse = plan.autouse;
    quote! {
        static __TESTRIG_META: #p::TestMeta = #p::TestMeta {
            name: #name_str,
            module: ::core::module_path!(),
            file: ::core::file!(),
            uses: &[#(#uses),*],
            autouse: #autouse,
        };
    }
}

fn test_attr(plan: &Plan<'_>, attrs: &Attrs, drive: &Drive) -> TokenStream {
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
    };
    let args = plan.params.iter().map(|p| dep(p, is_async));
    let (run, leaf_async) = drive.call(quote!(__TESTRIG_META), None, quote!(#name(#(#args),*)));
    let meta = meta_static(plan, &name, is_async);
    let test = test_attr(plan, &attrs, &drive);
    let asyncness = leaf_async.then(|| quote!(async));
    let Attrs {
        leaf, cfg, rest, ..
    } = attrs;
    func.attrs = rest;
    func.vis = syn::Visibility::Inherited;
    quote! {
        #(#cfg)*
        #test
        #(#leaf)*
        #vis #asyncness fn #name() {
            #func
            #meta
            #run
        }
    }
}

struct Leaf {
    /// Case module (cases combined with a matrix), if any.
    module: Option<Ident>,
    ident: Ident,
    case: Option<usize>,
    /// Chosen value index per matrix parameter.
    choice: Vec<usize>,
    names: Vec<String>,
}

/// Cases and/or a value matrix: the user's function stays as written, and a module of its
/// name holds one test per case (per value combination).
fn many(
    plan: &Plan<'_>,
    mut func: ItemFn,
    attrs: Attrs,
    matrix: &[(usize, &Vec<Expr>)],
) -> TokenStream {
    let name = func.sig.ident.clone();
    let is_async = func.sig.asyncness.is_some();
    let drive = Drive {
        is_async,
        runtime: attrs.runtime,
        unit: matches!(func.sig.output, syn::ReturnType::Default),
    };
    let value_names: Vec<Vec<String>> = matrix
        .iter()
        .map(|(i, values)| {
            let texts: Vec<String> = values
                .iter()
                .map(|v| source_text(v.to_token_stream()))
                .collect();
            naming::value_names(&plan.params[*i].name, &texts)
        })
        .collect();
    let combos = combinations(&value_names);
    let mut leaves = Vec::new();
    let case_idx: Vec<Option<usize>> = if plan.cases.is_empty() {
        vec![None]
    } else {
        (0..plan.cases.len()).map(Some).collect()
    };
    for case in case_idx {
        let case_name = case
            .map(|i| naming::case_name(plan.cases[i].id.as_ref().map(|s| s.value()).as_deref(), i));
        let span = case.map_or(name.span(), |i| plan.cases[i].attr_span);
        for choice in &combos {
            let combo_name: Vec<String> = choice
                .iter()
                .enumerate()
                .map(|(m, &v)| value_names[m][v].clone())
                .collect();
            let combo_name = combo_name.join("__");
            let (module, ident, names) = match (&case_name, matrix.is_empty()) {
                (Some(c), true) => (None, c.clone(), vec![c.clone()]),
                (Some(c), false) => (
                    Some(c.clone()),
                    combo_name.clone(),
                    vec![c.clone(), combo_name],
                ),
                (None, _) => (None, combo_name.clone(), vec![combo_name]),
            };
            leaves.push(Leaf {
                module: module.map(|m| Ident::new(&m, span)),
                ident: Ident::new(&ident, span),
                case,
                choice: choice.clone(),
                names,
            });
        }
    }

    let test = test_attr(plan, &attrs, &drive);
    let meta = meta_static(plan, &name, is_async);
    let mut top = Vec::new();
    let mut nested: Vec<(Ident, Vec<TokenStream>)> = Vec::new();
    for leaf in &leaves {
        let depth = if leaf.module.is_some() { 2 } else { 1 };
        let fn_path = {
            let sup = (0..depth).map(|_| quote!(super::));
            quote!(#(#sup)* #name)
        };
        let meta_path = if depth == 2 {
            quote!(super::__TESTRIG_META)
        } else {
            quote!(__TESTRIG_META)
        };
        let mut args = Vec::new();
        let mut report = Vec::new();
        let case = leaf.case.map(|i| &plan.cases[i]);
        for (i, p) in plan.params.iter().enumerate() {
            if i < plan.bound {
                let value = &case.expect("bound > 0 only with cases").values[i];
                report.push((param_label(p), source_text(value.to_token_stream())));
                args.push(value.to_token_stream());
            } else if let Source::Values(values) = &p.source {
                let m = matrix.iter().position(|(j, _)| *j == i).expect("listed");
                let value = &values[leaf.choice[m]];
                report.push((param_label(p), source_text(value.to_token_stream())));
                args.push(value.to_token_stream());
            } else {
                args.push(dep(p, is_async));
            }
        }
        let id = match case {
            Some(c) => {
                c.id.as_ref()
                    .map_or_else(|| leaf.names[0].clone(), |s| s.value())
            }
            None => leaf.names.join("::"),
        };
        let ident_path = leaf.names.join("::");
        let xfail = match case.and_then(|c| c.xfail.as_ref()) {
            Some(r) => quote!(::core::option::Option::Some(#r)),
            None => quote!(::core::option::Option::None),
        };
        let line_span = case.map_or(name.span(), |c| c.attr_span);
        // A literal costs less to compile than a `line!()` per case.
        let line = match line_of(line_span) {
            Some(n) => quote!(#n),
            None => quote_spanned!(line_span=> ::core::line!()),
        };
        // One string rather than a slice of pairs: less constant data to build per case.
        let args_text = report
            .iter()
            .map(|(param, expr)| format!("\n    {param} = {expr}"))
            .collect::<String>();
        let p = quote!(::testrig::__private);
        let case_static = quote! {
            static __TESTRIG_CASE: #p::Case = #p::Case {
                id: #id,
                ident: #ident_path,
                line: #line,
                args: #args_text,
                xfail: #xfail,
            };
        };
        let (run, leaf_async) = drive.call(
            meta_path,
            Some(quote!(__TESTRIG_CASE)),
            quote!(#fn_path(#(#args),*)),
        );
        let asyncness = leaf_async.then(|| quote!(async));
        let marks = case.map(marks).unwrap_or_default();
        let leaf_attrs = &attrs.leaf;
        let ident = &leaf.ident;
        let tokens = quote! {
            #test
            #(#leaf_attrs)*
            #marks
            #asyncness fn #ident() {
                #case_static
                #run
            }
        };
        match &leaf.module {
            None => top.push(tokens),
            Some(m) => match nested.iter_mut().find(|(n, _)| n == m) {
                Some((_, list)) => list.push(tokens),
                None => nested.push((m.clone(), vec![tokens])),
            },
        }
    }
    let nested = nested.into_iter().map(|(m, list)| {
        quote! {
            mod #m {
                #[allow(unused_imports)]
                use super::*;
                #(#list)*
            }
        }
    });
    let Attrs { cfg, rest, .. } = attrs;
    func.attrs = rest;
    quote! {
        #(#cfg)*
        #[cfg_attr(not(test), allow(dead_code))]
        #func

        #(#cfg)*
        #[cfg(test)]
        mod #name {
            #[allow(unused_imports)]
            use super::*;
            #meta
            #(#top)*
            #(#nested)*
        }
    }
}

fn param_label(p: &Param) -> String {
    if p.name.is_empty() {
        "_".to_owned()
    } else {
        p.name.clone()
    }
}

fn marks(case: &CaseAttr) -> TokenStream {
    let mut out = TokenStream::new();
    match &case.ignore {
        Some(Some(reason)) => out.extend(quote!(#[ignore = #reason])),
        Some(None) => out.extend(quote!(#[ignore])),
        None => {}
    }
    match &case.should_panic {
        Some(Some(text)) => out.extend(quote!(#[should_panic(expected = #text)])),
        Some(None) => out.extend(quote!(#[should_panic])),
        None => {}
    }
    out
}

/// Every combination of one value per matrix parameter, first parameter slowest.
fn combinations(names: &[Vec<String>]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for values in names {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..values.len()).map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v);
                    next
                })
            })
            .collect();
    }
    out
}
