//! `#[fixture(params = [..], ids = [..])]`: the option, its checks and the names of its
//! values. Code generation is in `expand/params.rs`.

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Expr, LitStr, Meta};

use crate::ctxt::Ctxt;
use crate::item::FnItem as ItemFn;
use crate::naming;
use crate::parse::{FixtureArgs, Param, lit_str};

pub(crate) const PARAMS: &str = "params";
pub(crate) const IDS: &str = "ids";
/// Hidden: testrig's own fixtures, whose companion macros are written by hand (exported).
pub(crate) const BUILTIN: &str = "__builtin";

/// The parametrization of one fixture.
#[derive(Default)]
pub(crate) struct ParamArgs {
    pub(crate) values: Option<(Span, Vec<Expr>)>,
    pub(crate) ids: Option<(Span, Vec<LitStr>)>,
    pub(crate) builtin: bool,
}

/// Whether `key` is one of this file's options.
pub(crate) fn is_option(meta: &Meta) -> bool {
    let p = meta.path();
    p.is_ident(PARAMS) || p.is_ident(IDS) || p.is_ident(BUILTIN)
}

pub(crate) fn parse_option(meta: &Meta, out: &mut ParamArgs, cx: &mut Ctxt) {
    let path = meta.path();
    if path.is_ident(BUILTIN) {
        out.builtin = true;
        return;
    }
    let key = if path.is_ident(PARAMS) { PARAMS } else { IDS };
    let Meta::NameValue(nv) = meta else {
        cx.error_at(meta, format!("write the values as a list: `{key} = [..]`"));
        return;
    };
    let Expr::Array(list) = &nv.value else {
        cx.error_at(
            &nv.value,
            format!("`{key}` takes a list in brackets: `{key} = [..]`"),
        );
        return;
    };
    if list.elems.is_empty() {
        cx.error_at(&nv.value, format!("`{key}` needs at least one value"));
        return;
    }
    let span = path.span();
    if key == PARAMS {
        out.values = Some((span, list.elems.iter().cloned().collect()));
    } else {
        let mut ids = Vec::new();
        for e in &list.elems {
            match lit_str(e) {
                Some(s) => ids.push(s.clone()),
                None => cx.error_at(
                    e,
                    "an id is a string literal: `ids = [\"memory\", \"disk\"]`",
                ),
            }
        }
        out.ids = Some((nv.value.span(), ids));
    }
}

/// Checks that need the whole fixture.
pub(crate) fn check(func: &ItemFn, args: &FixtureArgs, params: &[Param], cx: &mut Ctxt) {
    let p = &args.params;
    let name = func.sig.ident.to_string();
    let Some((span, values)) = &p.values else {
        if let Some((span, _)) = &p.ids {
            cx.error(
                *span,
                "`ids` name the values of `params`; add `params = [..]`",
            );
        }
        return;
    };
    if params.is_empty() {
        cx.error(
            *span,
            format!(
                "`params` needs a parameter to receive each value: write it first, e.g. \
                 `fn {name}(value: &'static str)`"
            ),
        );
    }
    if let Some((ids_span, ids)) = &p.ids {
        if ids.len() != values.len() {
            cx.error(
                *ids_span,
                format!(
                    "`ids` lists {} id{} for {} value{}; give one id per value of `params`",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" },
                    values.len(),
                    if values.len() == 1 { "" } else { "s" },
                ),
            );
        }
        let names: Vec<String> = ids.iter().map(|s| naming::sanitize(&s.value())).collect();
        for (i, id) in ids.iter().enumerate() {
            if names[i].is_empty() {
                cx.error_at(id, "this id has no letter or digit to name a test with");
            } else if names[..i].contains(&names[i]) {
                cx.error_at(
                    id,
                    format!(
                        "two values would be named `{}`; give them different ids",
                        names[i]
                    ),
                );
            }
        }
    }
    if let Some(autouse) = args.autouse {
        cx.error(
            autouse,
            "an `autouse` fixture cannot take `params`: it would multiply every test of the \
             binary; use it through `#[fixture_use]` instead",
        );
    }
    if args.session {
        cx.error(
            *span,
            "a session fixture cannot take `params` yet: its value is shared by every test; \
             drop `scope = \"session\"`",
        );
    }
    if is_reserved(&name) {
        cx.error_at(
            &func.sig.ident,
            format!(
                "a parametrized fixture cannot be named `{name}`: the name is also a macro of the \
                 standard library or of testrig; rename the fixture"
            ),
        );
    }
}

/// The name each value gives its tests: the id, else the literal value, else `param_N`;
/// values that sanitize alike get their position appended.
pub(crate) fn value_ids(args: &ParamArgs) -> Vec<String> {
    let Some((_, values)) = &args.values else {
        return Vec::new();
    };
    if let Some((_, ids)) = &args.ids
        && ids.len() == values.len()
    {
        return ids.iter().map(|s| naming::sanitize(&s.value())).collect();
    }
    let raw: Vec<String> = values.iter().map(literal_name).collect();
    raw.iter()
        .enumerate()
        .map(|(i, v)| {
            if v.is_empty() {
                format!("param_{}", i + 1)
            } else if raw.iter().filter(|o| *o == v).count() > 1 {
                format!("{v}_{}", i + 1)
            } else {
                v.clone()
            }
        })
        .collect()
}

/// A literal's name (`"disk"` -> `disk`, `-1.5` -> `_1_5`), or empty for anything else.
fn literal_name(value: &Expr) -> String {
    let (neg, lit) = match value {
        Expr::Lit(l) => (false, &l.lit),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => (true, &l.lit),
            _ => return String::new(),
        },
        _ => return String::new(),
    };
    let text = match lit {
        syn::Lit::Str(s) => s.value(),
        syn::Lit::Char(c) => c.value().to_string(),
        syn::Lit::Int(_) | syn::Lit::Float(_) | syn::Lit::Bool(_) => {
            lit.to_token_stream().to_string()
        }
        _ => return String::new(),
    };
    let name = naming::sanitize(&text);
    match (neg, name.is_empty()) {
        (_, true) => name,
        (true, false) => format!("minus_{}", name.trim_start_matches('_')),
        (false, false) => name,
    }
}

/// A key that tells this fixture apart from every other in the crate: its name and where it
/// is written.
pub(crate) fn key(func: &ItemFn) -> String {
    let ident = &func.sig.ident;
    if !proc_macro::is_available() {
        return ident.to_string();
    }
    let span = ident.span().unwrap();
    format!(
        "{}:{}:{}:{ident}",
        span.file(),
        span.start().line(),
        span.start().column()
    )
}

/// Names whose companion macro would clash with a macro every module sees (the standard
/// prelude's, testrig's prelude's): such fixtures get no companion, so they cannot be
/// parametrized or depend on parametrized fixtures.
pub(crate) fn is_reserved(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "assert",
        "assert_eq",
        "assert_ne",
        "assert_approx",
        "bench",
        "case",
        "cfg",
        "cfg_accessible",
        "cfg_eval",
        "cfg_select",
        "column",
        "compile_error",
        "concat",
        "concat_bytes",
        "concat_idents",
        "const_format_args",
        "dbg",
        "debug_assert",
        "debug_assert_eq",
        "debug_assert_ne",
        "derive",
        "env",
        "eprint",
        "eprintln",
        "file",
        "fixture",
        "fixture_use",
        "format",
        "format_args",
        "format_args_nl",
        "global_allocator",
        "include",
        "include_bytes",
        "include_str",
        "line",
        "log_syntax",
        "matches",
        "module_path",
        "option_env",
        "panic",
        "patch",
        "patchable",
        "print",
        "println",
        "spy",
        "stringify",
        "test",
        "test_case",
        "thread_local",
        "todo",
        "trace_macros",
        "unimplemented",
        "unreachable",
        "vec",
        "write",
        "writeln",
    ];
    NAMES.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(values: &str, ids: Option<&str>) -> ParamArgs {
        let list: syn::ExprArray = syn::parse_str(values).unwrap();
        ParamArgs {
            values: Some((Span::call_site(), list.elems.into_iter().collect())),
            ids: ids.map(|i| {
                let list: syn::ExprArray = syn::parse_str(i).unwrap();
                let ids = list
                    .elems
                    .iter()
                    .map(|e| lit_str(e).unwrap().clone())
                    .collect();
                (Span::call_site(), ids)
            }),
            builtin: false,
        }
    }

    #[test]
    fn literal_values_name_their_tests() {
        let ids = value_ids(&args(r#"["memory", "On Disk", 3, -1.5, true, 'x']"#, None));
        assert_eq!(ids, ["memory", "on_disk", "_3", "minus_1_5", "true_", "x"]);
    }

    #[test]
    fn other_values_are_numbered() {
        let ids = value_ids(&args(r#"[Kind::A, String::new(), "a"]"#, None));
        assert_eq!(ids, ["param_1", "param_2", "a"]);
    }

    #[test]
    fn values_that_sanitize_alike_get_their_position() {
        let ids = value_ids(&args(r#"["a b", "a-b", "c"]"#, None));
        assert_eq!(ids, ["a_b_1", "a_b_2", "c"]);
    }

    #[test]
    fn ids_win_over_values() {
        let ids = value_ids(&args(r#"[1, 2]"#, Some(r#"["One", "two!"]"#)));
        assert_eq!(ids, ["one", "two"]);
    }

    #[test]
    fn std_macro_names_are_reserved() {
        assert!(is_reserved("file"));
        assert!(is_reserved("env"));
        assert!(!is_reserved("backend"));
    }
}
