//! `patch!(path, replacement)` and `spy!(path)`: calls to the companion items that
//! `#[patchable]` put next to the function.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Path, Token};

struct PatchInput {
    path: Path,
    replacement: Expr,
}

impl Parse for PatchInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path = input.parse()?;
        input.parse::<Token![,]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `,` and a replacement: `patch!(path::to::function, |args| result)`",
            )
        })?;
        let replacement = input.parse()?;
        let _ = input.parse::<Option<Token![,]>>()?;
        Ok(PatchInput { path, replacement })
    }
}

struct SpyInput {
    path: Path,
    count_only: bool,
}

impl Parse for SpyInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path = input.parse()?;
        let mut count_only = false;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let option: syn::Ident = input.parse()?;
            if option != "count_only" {
                return Err(syn::Error::new(
                    option.span(),
                    format!(
                        "unknown option `{option}`: write `spy!(path)` to record arguments, or \
                         `spy!(path, count_only)` to record only the number of calls"
                    ),
                ));
            }
            count_only = true;
            let _ = input.parse::<Option<Token![,]>>()?;
        }
        Ok(SpyInput { path, count_only })
    }
}

/// `Type::method` (the second-to-last segment is a type: upper-case initial, or `Self`) calls
/// `Type::__testrig_<what>_method`; any other path calls `path::__testrig_<what>`.
fn companion(path: &Path, what: &str) -> TokenStream {
    let segments: Vec<_> = path.segments.iter().collect();
    let last = segments.last().expect("a path has a segment");
    let span = last.ident.span();
    let is_method = segments.len() >= 2 && {
        let owner = segments[segments.len() - 2].ident.to_string();
        owner == "Self" || owner.starts_with(|c: char| c.is_uppercase())
    };
    if is_method {
        let prefix = segments[..segments.len() - 1].iter();
        let colon = path.leading_colon;
        let name = format_ident!("__testrig_{what}_{}", last.ident, span = span);
        quote_spanned!(span=> #colon #(#prefix)::* :: #name)
    } else {
        let name = format_ident!("__testrig_{what}", span = span);
        quote_spanned!(span=> #path :: #name)
    }
}

pub(crate) fn patch(input: TokenStream) -> TokenStream {
    match syn::parse2::<PatchInput>(input) {
        Ok(PatchInput { path, replacement }) => {
            let target = companion(&path, "patch");
            quote!(#target(#replacement))
        }
        Err(err) => err.to_compile_error(),
    }
}

pub(crate) fn spy(input: TokenStream) -> TokenStream {
    match syn::parse2::<SpyInput>(input) {
        Ok(SpyInput { path, count_only }) => {
            let target = companion(&path, if count_only { "count" } else { "spy" });
            quote!(#target())
        }
        Err(err) => err.to_compile_error(),
    }
}
