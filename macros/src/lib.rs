//! Procedural macros of [testrig](https://docs.rs/testrig). Use them through `testrig`
//! (`use testrig::prelude::*;`); this crate is an implementation detail.

mod patch_macro;
mod patchable;

/// Makes a function a seam that tests replace with `patch!` or watch with `spy!`; in builds
/// that are not test builds the function is left exactly as written. See `testrig::patch`.
#[proc_macro_attribute]
pub fn patchable(
    args: proc_macro::TokenStream,
    input: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    patchable::patchable(args.into(), input.into()).into()
}

/// `patch!(path::to::function, replacement)`: replaces a `#[patchable]` function until the
/// returned guard drops. See `testrig::patch!`.
#[proc_macro]
pub fn patch(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    patch_macro::patch(input.into()).into()
}

/// `spy!(path::to::function)`: calls the real function and records every call until the
/// returned spy drops. See `testrig::spy!`.
#[proc_macro]
pub fn spy(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    patch_macro::spy(input.into()).into()
}
