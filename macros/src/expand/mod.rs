//! Code generation, one file per macro. No checks here: `valid.rs` ran before.

mod calls;
mod cases;
pub(crate) mod fixture;
pub(crate) mod module;
pub(crate) mod params;
pub(crate) mod test;

/// Every combination of one index per dimension, given each dimension's length, the first
/// dimension slowest: the value matrix of a test and the product of parametrized fixtures.
fn combinations(lens: impl IntoIterator<Item = usize>) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for len in lens {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..len).map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v);
                    next
                })
            })
            .collect();
    }
    out
}

/// `::testrig::__private`, the path of everything macro output calls. Spliced into a
/// `quote!` as plain token trees: a `TokenStream` spliced in is joined by the compiler,
/// one request each time, and expansions name this path several times per test.
#[derive(Clone, Copy)]
pub(crate) struct Private;

impl quote::ToTokens for Private {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        use proc_macro2::{Ident, Punct, Spacing, Span, TokenTree};
        let colons = || {
            [
                TokenTree::Punct(Punct::new(':', Spacing::Joint)),
                TokenTree::Punct(Punct::new(':', Spacing::Alone)),
            ]
        };
        tokens.extend(colons());
        tokens.extend([TokenTree::Ident(Ident::new("testrig", Span::call_site()))]);
        tokens.extend(colons());
        tokens.extend([TokenTree::Ident(Ident::new("__private", Span::call_site()))]);
    }
}
