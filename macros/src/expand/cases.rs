//! Cases and value matrices: the user's function stays as written, and a module of its name
//! holds one `#[test]` per case (per value combination), all calling one body function.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::{Expr, Ident};

use super::fixture::dep;
use super::test::{Attrs, Drive, Plan, meta_static, test_attr};
use crate::item::FnItem as ItemFn;
use crate::naming;
use crate::parse::{CaseAttr, Future, Param, Source};
use crate::text::{line_of, source_text, trees_text};

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
pub(super) fn many(
    plan: &Plan<'_>,
    mut func: ItemFn,
    attrs: Attrs,
    matrix: &[(usize, &Vec<Expr>)],
) -> TokenStream {
    let name = func.sig.ident.clone();
    let is_async = func.sig.asyncness.is_some();
    let params_needed = super::params::needed(&super::params::test_paths(
        plan.uses,
        plan.params,
        &plan.bound,
    ));
    let drive = Drive {
        is_async,
        runtime: attrs.runtime,
        unit: matches!(func.sig.output, syn::ReturnType::Default),
        bare: !is_async
            && plan.uses.is_empty()
            && !params_needed
            && plan.params.iter().enumerate().all(|(i, p)| {
                plan.bound.contains(&i)
                    || matches!(
                        p.source,
                        Source::Case | Source::Values(_) | Source::Files(_)
                    )
            }),
    };
    let value_names: Vec<Vec<String>> = matrix
        .iter()
        .map(|(i, values)| {
            if let Source::Files(f) = &plan.params[*i].source {
                return f.names.clone();
            }
            let docs = &plan.params[*i].value_docs;
            let texts: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(k, v)| match docs.get(k) {
                    Some(Some(doc)) => doc.clone(),
                    _ => source_text(v.to_token_stream()),
                })
                .collect();
            naming::value_names(&plan.params[*i].name, &texts)
        })
        .collect();
    let combos = super::combinations(value_names.iter().map(Vec::len));
    let mut leaves = Vec::new();
    let case_idx: Vec<Option<usize>> = if plan.cases.is_empty() {
        vec![None]
    } else {
        (0..plan.cases.len()).map(Some).collect()
    };
    let (labels, case_names) = (plan.labels, plan.case_names);
    for case in case_idx {
        let case_name = case.map(|i| case_names[i].clone());
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
    let (meta, meta_item) = meta_static(plan, &attrs, &name, is_async, !is_async);
    let (meta, meta_ref) = if meta_item {
        (meta, quote!(&__TESTRIG_META))
    } else {
        (quote!(), meta)
    };
    let p = crate::expand::Private;
    let bound = &plan.bound;
    let bound_types: Vec<syn::Type> = bound
        .iter()
        .filter_map(|&i| match func.sig.inputs.iter().nth(i) {
            Some(syn::FnArg::Typed(t)) => Some((*t.ty).clone()),
            _ => None,
        })
        .collect();
    // The case values and the call live outside the test module, beside the user's function:
    // there the user's names mean what they mean in the function's own scope, and no
    // generated test (`fn make`) can hide the user's `make`.
    let body_fn = format_ident!("__testrig_cases_{}", name.unraw());
    let table_mode = matrix.is_empty()
        && !bound.is_empty()
        && bound_types.len() == bound.len()
        && func.sig.generics.params.is_empty()
        && bound_types.iter().all(copy_type)
        && bound
            .iter()
            .all(|&i| !plan.params[i].by_ref && plan.params[i].future == Future::No)
        && plan
            .cases
            .iter()
            .all(|c| c.values.iter().all(|v| const_like(v)))
        && plan.cases.iter().all(|c| {
            c.values
                .iter()
                .zip(&bound_types)
                .all(|(v, ty)| crate::literal::convert(ty, v, &func.sig.generics).is_none())
        });
    // Each case's test is one call of this, so that a case costs what a hand-written
    // `#[test]` does.
    let (run_body, run_async) = drive.case_call(
        meta_ref,
        quote!(__record),
        quote!(__case),
        quote!(super::#body_fn),
    );
    let supplied = super::test::Supplied::of(plan.params, &func);
    let (sig, names) = (&supplied.sig, supplied.names());
    let run_body = supplied.wrap(run_body, run_async);
    let run_fn = {
        let asyncness = run_async.then(|| quote!(async));
        quote! {
            #asyncness fn __testrig_run(__case: usize, __record: &'static str, #(#sig),*) {
                #run_body
            }
        }
    };
    // The tests are appended to one stream as token trees: a `quote!` per test, spliced
    // into the next, asks the compiler to join streams several times per test.
    let mut rows = TokenStream::new();
    let mut arms = Vec::new();
    let mut top = TokenStream::new();
    let mut records = Vec::new();
    let mut nested: Vec<(Ident, TokenStream)> = Vec::new();
    let leaf_head: Vec<TokenTree> = {
        let leaf_attrs = &attrs.leaf;
        quote!(#test #(#leaf_attrs)*).into_iter().collect()
    };
    let leaf_sig = quote!(#(#sig),*);
    // Made once and cloned: each new identifier is checked and interned again.
    let [kw_super, kw_async, kw_await, kw_fn, run_ident] =
        ["super", "async", "await", "fn", "__testrig_run"].map(word);
    for (index, leaf) in leaves.iter().enumerate() {
        let mut args = Vec::new();
        let mut report = String::new();
        let case = leaf.case.map(|i| &plan.cases[i]);
        for (i, param) in plan.params.iter().enumerate() {
            let matrix_value;
            let value: Option<&[proc_macro2::TokenTree]> = match bound.iter().position(|&b| b == i)
            {
                Some(k) => Some(&case.expect("bound params only with cases").values[k]),
                None => match matrix.iter().position(|(j, _)| *j == i) {
                    Some(m) => {
                        matrix_value = matrix[m].1[leaf.choice[m]]
                            .to_token_stream()
                            .into_iter()
                            .collect::<Vec<_>>();
                        Some(&matrix_value)
                    }
                    None => None,
                },
            };
            match value {
                Some(value) => {
                    report += "\n    ";
                    report += &param_label(param);
                    report += " = ";
                    report += &trees_text(value);
                    // In table mode the values go to the table as written; the one call
                    // reads them from there.
                    if table_mode {
                        continue;
                    }
                    let converted = match func.sig.inputs.iter().nth(i) {
                        Some(syn::FnArg::Typed(t)) => {
                            crate::literal::convert(&t.ty, value, &func.sig.generics)
                        }
                        _ => None,
                    };
                    let value = converted.unwrap_or_else(|| quote!(#(#value)*));
                    let value = match (param.future, param.by_ref) {
                        (Future::Await, _) => quote!((#value).await),
                        (_, true) => quote!(&#value),
                        _ => value,
                    };
                    args.push(value);
                }
                None if table_mode => {}
                None => args.push(dep(param, is_async)),
            }
        }
        // The id as written (its string's value, or rstest's `case::name`), read once above.
        let id = match leaf.case.map(|i| &labels[i]) {
            Some(naming::CaseLabel::Id(text) | naming::CaseLabel::Short(text)) => text.clone(),
            Some(naming::CaseLabel::None) => leaf.names[0].clone(),
            None => leaf.names.join("::"),
        };
        let line = line_of(case.map_or(name.span(), |c| c.attr_span)).unwrap_or(0);
        let xfail = case
            .and_then(|c| c.xfail.as_ref())
            .map(|r| format!("x{}", r.value()))
            .unwrap_or_default();
        let position = leaf.case.map(|i| i.to_string()).unwrap_or_default();
        let mut fields = vec![
            id,
            leaf.names.join("::"),
            line.to_string(),
            position,
            report,
            xfail,
        ];
        // A last field, written only when needed: `!` for a bare `should_panic` mark (a
        // timeout must not count as its panic), then the case's own time limit.
        let bare_should_panic = case.is_some_and(|c| matches!(c.should_panic, Some(None)));
        let limit = case.and_then(|c| c.timeout.as_ref()).map(|l| l.value());
        if bare_should_panic || limit.is_some() {
            let flag = if bare_should_panic { "!" } else { "" };
            fields.push(format!("{flag}{}", limit.unwrap_or_default()));
        }
        let mut record = String::new();
        for (k, field) in fields.iter().enumerate() {
            if k > 0 {
                record.push('\x1f');
            }
            // The separator is a control character no id or source text contains.
            if field.contains('\x1f') {
                record.extend(field.chars().filter(|c| *c != '\x1f'));
            } else {
                record += field;
            }
        }
        let record = proc_macro2::Literal::string(&record);
        records.push(record.clone());
        let index_lit = proc_macro2::Literal::usize_unsuffixed(index);
        if table_mode {
            let values = &case.expect("table mode has cases").values;
            // Trees are appended to the row as they are; a stream per value would be one
            // more request to the compiler each.
            let mut row = TokenStream::new();
            for v in values {
                row.extend(v.iter().cloned());
                row.extend([punct(',')]);
            }
            if !rows.is_empty() {
                rows.extend([punct(',')]);
            }
            rows.extend([group(Delimiter::Parenthesis, row)]);
        } else {
            // Spanned at the case: a case whose values leave a generic parameter open, or
            // do not fit the parameter types, is reported at its own `#[case]`.
            let span = case.map_or(name.span(), |c| c.attr_span);
            let mut callee = name.clone();
            callee.set_span(span);
            let call = quote_spanned!(span=> #callee(#(#args),*));
            arms.push(if is_async {
                quote!(#index_lit => #p::boxed(async move { #p::check(#call.await) }),)
            } else if drive.unit {
                quote!(#index_lit => #call,)
            } else {
                quote!(#index_lit => #p::check(#call),)
            });
        }
        // `#[test] #marks async fn ident(#sig) { super::__testrig_run(index, record,
        // #names).await }`
        let mut call_args = TokenStream::new();
        call_args.extend([
            TokenTree::Literal(index_lit),
            punct(','),
            TokenTree::Literal(record),
        ]);
        for n in names {
            call_args.extend([punct(','), TokenTree::Ident(n.clone())]);
        }
        let mut run = TokenStream::new();
        if leaf.module.is_some() {
            run.extend([kw_super.clone(), joint(':'), punct(':')]);
        }
        run.extend([run_ident.clone(), group(Delimiter::Parenthesis, call_args)]);
        if run_async {
            run.extend([punct('.'), kw_await.clone()]);
        }
        let out = match &leaf.module {
            None => &mut top,
            Some(m) => match nested.iter().position(|(n, _)| n == m) {
                Some(k) => &mut nested[k].1,
                None => {
                    nested.push((m.clone(), TokenStream::new()));
                    &mut nested.last_mut().expect("just pushed").1
                }
            },
        };
        out.extend(leaf_head.iter().cloned());
        if let Some(c) = case {
            let marks = marks(c);
            if !marks.is_empty() {
                out.extend(marks);
            }
        }
        if run_async {
            out.extend([kw_async.clone()]);
        }
        out.extend([
            kw_fn.clone(),
            TokenTree::Ident(leaf.ident.clone()),
            group(Delimiter::Parenthesis, leaf_sig.clone()),
            group(Delimiter::Brace, run),
        ]);
    }
    let nested = nested.into_iter().map(|(m, list)| {
        quote! {
            mod #m {
                #list
            }
        }
    });
    let ret = is_async.then(|| quote!(-> #p::BoxFuture<'_, ()>));
    let resolver = (!drive.bare).then(|| quote!(__r: &#p::Resolver,));
    let body = if table_mode {
        // One call for every case: the values come from a table by index. A table of
        // constants is promoted to a `'static` in place, no item of its own to check.
        let vars: Vec<Ident> = (0..bound.len())
            .map(|i| Ident::new(&format!("__v{i}"), Span::call_site()))
            .collect();
        let args = plan.params.iter().enumerate().map(|(i, param)| {
            match bound.iter().position(|&b| b == i) {
                Some(k) => vars[k].to_token_stream(),
                None => dep(param, is_async),
            }
        });
        let call = quote!(#name(#(#args),*));
        let call = if is_async {
            quote!(#p::boxed(async move { #p::check(#call.await) }))
        } else if drive.unit {
            call
        } else {
            quote!(#p::check(#call))
        };
        quote! {
            let (#(#vars,)*) = #p::nth_case::<(#(#bound_types,)*)>(&[#rows], __case);
            #call
        }
    } else if is_async {
        quote! {
            match __case {
                #(#arms)*
                _ => ::core::unreachable!(),
            }
        }
    } else {
        quote! {
            match __case {
                #(#arms)*
                _ => {}
            }
        }
    };
    // The tests are written out here rather than by a `macro_rules!` of the test's own:
    // defining and matching one per test function costs more than the tokens it saves.
    let leaf_attrs = &attrs.leaf;
    let tests = top;
    let tests = super::params::cases(
        plan,
        quote!(#tests #(#nested)*),
        (quote!(#test #(#leaf_attrs)*), sig),
        run_async,
        || {
            leaves
                .iter()
                .enumerate()
                .map(|(index, leaf)| {
                    let mut path: Vec<&Ident> = leaf.module.iter().collect();
                    path.push(&leaf.ident);
                    let marks = leaf.case.map(|i| marks(&plan.cases[i])).unwrap_or_default();
                    let record = &records[index];
                    let index = proc_macro2::Literal::usize_unsuffixed(index);
                    quote!({ [#(#path)*] { #marks } { __testrig_run(#index, #record, #(#names),*) } })
                })
                .collect()
        },
    );
    // The module names only its own items and `super::`, unless it holds what the user
    // wrote: attributes of the tests, `#[fixture_use]` paths in its `static`, or the
    // parametrized fixtures' expansion.
    let glob = (!attrs.leaf.is_empty() || !plan.uses.is_empty() || params_needed).then(|| {
        quote!(
            #[allow(unused_imports)]
            use super::*;
        )
    });
    let Attrs { cfg, rest, .. } = attrs;
    func.attrs = rest;
    // `#[by_ref]` lends a case value: `&vec![..]` is testrig's borrow, not the user's.
    let lend_allow = plan
        .params
        .iter()
        .any(|p| p.by_ref)
        .then(|| quote!(#[allow(clippy::useless_vec)]));
    quote! {
        #(#cfg)*
        #[cfg_attr(not(test), allow(dead_code))]
        #[allow(clippy::needless_pass_by_value)]
        #func

        #(#cfg)*
        #[cfg(test)]
        #[doc(hidden)]
        #[allow(non_snake_case)]
        #lend_allow
        fn #body_fn(#resolver __case: usize) #ret {
            #body
        }

        #(#cfg)*
        #[cfg(test)]
        #[allow(non_snake_case)]
        mod #name {
            #glob
            #meta
            #run_fn
            #tests
        }
    }
}

/// A value that is surely a constant expression: literals, paths (constants, unit
/// variants), negations, and tuples, arrays and references of those; no calls, macros,
/// blocks, method calls or operators other than unary `-`. Cases whose values are all like
/// this are stored in one table of constants instead of one call each.
fn const_like(tokens: &[proc_macro2::TokenTree]) -> bool {
    let mut prev_ident = false;
    for tt in tokens {
        let ok = match &tt {
            proc_macro2::TokenTree::Literal(_) => true,
            proc_macro2::TokenTree::Ident(_) => true,
            proc_macro2::TokenTree::Punct(p) => matches!(p.as_char(), '-' | ':' | '&' | ','),
            proc_macro2::TokenTree::Group(g) => {
                !prev_ident
                    && matches!(
                        g.delimiter(),
                        proc_macro2::Delimiter::Parenthesis | proc_macro2::Delimiter::Bracket
                    )
                    && const_like(&g.stream().into_iter().collect::<Vec<_>>())
            }
        };
        if !ok {
            return false;
        }
        prev_ident = matches!(tt, proc_macro2::TokenTree::Ident(_));
    }
    true
}

/// A parameter type that is surely `Copy` and can be spelled in a type argument: primitive
/// scalars, shared references, and tuples and arrays of those. Cases of such types read their
/// values from one table; reading one costs the same however many cases there are.
fn copy_type(ty: &syn::Type) -> bool {
    const SCALARS: &[&str] = &[
        "bool", "char", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
        "u32", "u64", "u128", "usize",
    ];
    match ty {
        syn::Type::Path(p) => {
            p.qself.is_none()
                && p.path
                    .get_ident()
                    .is_some_and(|i| SCALARS.contains(&i.to_string().as_str()))
        }
        syn::Type::Reference(r) => r.mutability.is_none() && !contains_impl(&r.elem),
        syn::Type::Tuple(t) => t.elems.iter().all(copy_type),
        syn::Type::Array(a) => copy_type(&a.elem),
        syn::Type::Paren(p) => copy_type(&p.elem),
        _ => false,
    }
}

fn contains_impl(ty: &syn::Type) -> bool {
    fn any(t: proc_macro2::TokenTree) -> bool {
        match t {
            proc_macro2::TokenTree::Ident(i) => i == "impl" || i == "_",
            proc_macro2::TokenTree::Group(g) => g.stream().into_iter().any(any),
            _ => false,
        }
    }
    ty.to_token_stream().into_iter().any(any)
}

fn punct(c: char) -> TokenTree {
    TokenTree::Punct(proc_macro2::Punct::new(c, proc_macro2::Spacing::Alone))
}

fn joint(c: char) -> TokenTree {
    TokenTree::Punct(proc_macro2::Punct::new(c, proc_macro2::Spacing::Joint))
}

fn word(text: &str) -> TokenTree {
    TokenTree::Ident(Ident::new(text, Span::call_site()))
}

fn group(delimiter: Delimiter, stream: TokenStream) -> TokenTree {
    TokenTree::Group(proc_macro2::Group::new(delimiter, stream))
}

fn param_label(p: &Param) -> String {
    match &p.pattern {
        Some(pattern) => pattern.clone(),
        None if p.name.is_empty() => "_".to_owned(),
        None => p.name.clone(),
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
