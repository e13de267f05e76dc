//! rstest's per-case attributes: a `#[should_panic]`, `#[ignore]` or `#[timeout(..)]` written
//! before a `#[case]` is for that case alone (the ones after the last case are for all).

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, LitStr, Meta};

use crate::ctxt::Ctxt;
use crate::parse::{CaseAttr, lit_str_tokens, rstest_timeout};
use crate::symbol::{IGNORE, SHOULD_PANIC, TIMEOUT};

/// rstest's attributes written before a case, for that case alone: `#[should_panic]`,
/// `#[should_panic(expected = "..")]`, `#[ignore]`, `#[ignore = ".."]` and
/// `#[timeout(Duration::..)]`, as the case options of the same names.
pub(crate) fn case_marks(case: &mut CaseAttr, marks: Vec<TokenStream>, cx: &mut Ctxt) {
    for tokens in marks {
        let attrs = match syn::parse::Parser::parse2(Attribute::parse_outer, tokens) {
            Ok(attrs) => attrs,
            Err(e) => {
                cx.push(e);
                continue;
            }
        };
        for attr in attrs {
            let path = attr.path();
            let (name, given) = if path.is_ident(SHOULD_PANIC) {
                (SHOULD_PANIC, case.should_panic.is_some())
            } else if path.is_ident(IGNORE) {
                (IGNORE, case.ignore.is_some())
            } else {
                (TIMEOUT, case.timeout.is_some())
            };
            if given {
                cx.error_at(
                    &attr,
                    format!(
                        "this case has `{name}` already, and `#[{name}]` written before a case \
                         is for that case alone; keep one of the two"
                    ),
                );
                continue;
            }
            match name {
                SHOULD_PANIC => match should_panic_text(&attr) {
                    Ok(text) => case.should_panic = Some(text),
                    Err(e) => cx.push(e),
                },
                IGNORE => match &attr.meta {
                    Meta::Path(_) => case.ignore = Some(None),
                    Meta::NameValue(nv) => match lit_str_tokens(&nv.value.to_token_stream()) {
                        Some(reason) => case.ignore = Some(Some(reason)),
                        None => cx.error_at(&nv.value, "write the reason as `#[ignore = \"..\"]`"),
                    },
                    Meta::List(_) => {
                        cx.error_at(&attr, "write `#[ignore]` or `#[ignore = \"..\"]`")
                    }
                },
                _ => match rstest_timeout(&attr) {
                    Ok(limit) => case.timeout = Some(limit),
                    Err(e) => cx.push(e),
                },
            }
        }
    }
}

/// The expected text of `#[should_panic]`, `#[should_panic = ".."]` or
/// `#[should_panic(expected = "..")]`.
fn should_panic_text(attr: &Attribute) -> syn::Result<Option<LitStr>> {
    const HOW: &str = "write `#[should_panic]` or `#[should_panic(expected = \"..\")]`";
    match &attr.meta {
        Meta::Path(_) => Ok(None),
        Meta::NameValue(nv) => lit_str_tokens(&nv.value.to_token_stream())
            .map(Some)
            .ok_or_else(|| syn::Error::new_spanned(&nv.value, HOW)),
        Meta::List(list) => {
            let nv: syn::MetaNameValue = list.parse_args()?;
            match lit_str_tokens(&nv.value.to_token_stream()) {
                Some(text) if nv.path.is_ident("expected") => Ok(Some(text)),
                _ => Err(syn::Error::new_spanned(list, HOW)),
            }
        }
    }
}
