//! `#[patchable]`: parse and check the item, then emit the seam beside the untouched original.

mod expand;
mod parse;

use proc_macro2::TokenStream;
use quote::quote;

use parse::{Options, Target};

pub(crate) fn patchable(args: TokenStream, input: TokenStream) -> TokenStream {
    let options = match syn::parse2::<Options>(args) {
        Ok(options) => options,
        Err(err) => return with_item(err, input),
    };
    let target = match parse::parse_target(input.clone()) {
        Ok(target) => target,
        Err(err) => return with_item(err, input),
    };
    let mut errors = Vec::new();
    match &target {
        Target::Fn { item, .. } => parse::check_signature(&item.sig, &mut errors),
        Target::Impl(item) => parse::check_impl(item, &mut errors),
    }
    if let Some(err) = errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    }) {
        return with_item(err, input);
    }
    match target {
        Target::Fn { item, assoc } => expand::expand_fn(item, assoc, options.always),
        Target::Impl(item) => expand::expand_impl(item, options.always),
    }
}

/// The error, with the user's item emitted unchanged so one mistake does not cascade.
fn with_item(err: syn::Error, input: TokenStream) -> TokenStream {
    let err = err.to_compile_error();
    quote!(#err #input)
}

#[cfg(test)]
mod tests;
