//! Procedural macros of [testrig](https://docs.rs/testrig). Use them through `testrig`
//! (`use testrig::prelude::*;`); this crate is an implementation detail.

mod ctxt;
mod entry;
mod expand;
mod naming;
mod parse;
mod symbol;
mod text;
mod valid;

use proc_macro::TokenStream;

/// Marks a function as a fixture. See `testrig::fixture`.
#[proc_macro_attribute]
pub fn fixture(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::fixture(args.into(), item.into()).into()
}

/// A test with injected fixtures, cases and value matrices. See `testrig::test`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::test(args.into(), item.into()).into()
}

/// Sets fixtures up around a test without naming them in its signature. See
/// `testrig::fixture_use`.
#[proc_macro_attribute]
pub fn fixture_use(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::fixture_use(args.into(), item.into()).into()
}
