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
///
/// For a method, a fallback of the same name stands behind the companion: an inherent
/// function wins over a trait's, so the fallback is called only when the method has no seam,
/// and its bound (`Type: Seam<method>`, which no type meets) is then one error that says to
/// add `#[patchable]` instead of rustc's "no associated item named `__testrig_..`". A free
/// function has no such fallback (a module path cannot fall back): there rustc says the
/// function is "not a crate or module", at the user's path, once.
fn call(path: &Path, what: &str, args: &TokenStream) -> TokenStream {
    let segments: Vec<_> = path.segments.iter().collect();
    let last = segments.last().expect("a path has a segment");
    let span = last.ident.span();
    let is_method = segments.len() >= 2 && {
        let owner = segments[segments.len() - 2].ident.to_string();
        owner == "Self" || owner.starts_with(|c: char| c.is_uppercase())
    };
    if !is_method {
        let name = format_ident!("__testrig_{what}", span = span);
        let target = quote_spanned!(span=> #path :: #name);
        return quote!(#target(#args));
    }
    let prefix = segments[..segments.len() - 1].iter();
    let colon = path.leading_colon;
    let method = &last.ident;
    let name = format_ident!("__testrig_{what}_{}", method, span = span);
    let p = quote_spanned!(span=> ::testrig::__private);
    let (generic, param) = if args.is_empty() {
        (quote!(), quote!())
    } else {
        (quote!(__A,), quote!(_: __A))
    };
    // The marker is a braced struct: it takes no name in the value namespace, where the
    // replacement may call a function of the method's name.
    let target = quote_spanned!(span=> #colon #(#prefix)::* :: #name);
    let fallback = quote_spanned! {span=>
        #[allow(non_camel_case_types, dead_code)]
        struct #method {}
        #[allow(dead_code)]
        trait __TestrigNoSeam {
            fn #name<#generic __R>(#param) -> __R where Self: #p::Seam<#method>;
        }
        impl<__T: ?::core::marker::Sized> __TestrigNoSeam for __T {
            fn #name<#generic __R>(#param) -> __R where Self: #p::Seam<#method> {
                ::core::unreachable!()
            }
        }
    };
    quote!({ #fallback #target(#args) })
}

pub(crate) fn patch(input: TokenStream) -> TokenStream {
    match syn::parse2::<PatchInput>(input) {
        Ok(PatchInput { path, replacement }) => call(&path, "patch", &quote!(#replacement)),
        Err(err) => err.to_compile_error(),
    }
}

pub(crate) fn spy(input: TokenStream) -> TokenStream {
    match syn::parse2::<SpyInput>(input) {
        Ok(SpyInput { path, count_only }) => {
            call(&path, if count_only { "count" } else { "spy" }, &quote!())
        }
        Err(err) => err.to_compile_error(),
    }
}
