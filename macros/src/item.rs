//! A function item parsed only as far as the macros need: attributes, visibility and
//! signature. The body stays an opaque `{ ... }` group: parsing every statement of every
//! test would cost compile time and tell the macros nothing.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, TokenStreamExt};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Signature, Visibility};

use crate::symbol::{IGNORE, SHOULD_PANIC, TIMEOUT};

#[derive(Clone)]
pub(crate) struct FnItem {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) block: Group,
}

/// A `#[case(...)]` attribute taken off before syn sees the function: the span of `case`
/// and the tokens between the parentheses.
pub(crate) struct RawCase {
    pub(crate) span: Span,
    /// rstest's `#[case::name(...)]`.
    pub(crate) short: Option<proc_macro2::Ident>,
    pub(crate) tokens: TokenStream,
    /// rstest's per-case attributes: the `#[should_panic]`, `#[ignore]` and `#[timeout(..)]`
    /// written between the previous case (or the top) and this one, as whole attributes.
    pub(crate) marks: Vec<TokenStream>,
}

impl FnItem {
    /// Parses `tokens` as a function without letting syn walk the body: the last token tree
    /// is taken off first (syn's buffer would otherwise visit every token of it).
    pub(crate) fn from_tokens(tokens: TokenStream) -> syn::Result<FnItem> {
        Self::parse_split(tokens.into_iter().collect())
    }

    /// [`from_tokens`](Self::from_tokens), taking the `#[case(...)]` attributes off first:
    /// a thousand cases need not go through syn's attribute parser.
    ///
    /// As in rstest, a mark attribute written before a case belongs to that case; the marks
    /// after the last case stay on the function, for every case.
    pub(crate) fn from_tokens_with_cases(
        tokens: Vec<TokenTree>,
    ) -> syn::Result<(FnItem, Vec<RawCase>)> {
        let mut trees: Vec<TokenTree> = Vec::new();
        let mut cases = Vec::new();
        // Where the marks since the last case start in `trees`: `#` and `[...]` each.
        let mut pending: Vec<usize> = Vec::new();
        let mut iter = tokens.into_iter().peekable();
        while let Some(tt) = iter.next() {
            if let TokenTree::Punct(p) = &tt
                && p.as_char() == '#'
                && let Some(TokenTree::Group(g)) = iter.peek()
                && g.delimiter() == Delimiter::Bracket
            {
                if let Some(mut case) = raw_case(g) {
                    for &at in pending.iter().rev() {
                        let group = trees.remove(at + 1);
                        let pound = trees.remove(at);
                        case.marks.insert(0, TokenStream::from_iter([pound, group]));
                    }
                    pending.clear();
                    cases.push(case);
                    iter.next();
                    continue;
                }
                if is_case_mark(g) {
                    pending.push(trees.len());
                }
            }
            trees.push(tt);
        }
        Ok((Self::parse_split(trees)?, cases))
    }

    fn parse_split(mut trees: Vec<TokenTree>) -> syn::Result<FnItem> {
        let block = match trees.pop() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g,
            Some(other) => {
                return Err(syn::Error::new(
                    other.span(),
                    "expected a function body `{ ... }`",
                ));
            }
            None => return Err(syn::Error::new(Span::call_site(), "expected a function")),
        };
        let head: TokenStream = trees.into_iter().collect();
        let (attrs, vis, sig) = syn::parse::Parser::parse2(
            |input: ParseStream<'_>| {
                let attrs = input.call(Attribute::parse_outer)?;
                let vis: Visibility = input.parse()?;
                let sig: Signature = input.parse()?;
                Ok((attrs, vis, sig))
            },
            head,
        )?;
        Ok(FnItem {
            attrs,
            vis,
            sig,
            block,
        })
    }
}

impl Parse for FnItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig: Signature = input.parse()?;
        let block: Group = input.parse()?;
        if block.delimiter() != Delimiter::Brace {
            return Err(syn::Error::new(
                block.span(),
                "expected the function body `{ ... }`",
            ));
        }
        Ok(FnItem {
            attrs,
            vis,
            sig,
            block,
        })
    }
}

impl ToTokens for FnItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.attrs);
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.block.to_tokens(tokens);
    }
}

/// `should_panic`, `ignore` or `timeout` inside `#[...]`: the attributes rstest moves onto
/// the case they precede.
fn is_case_mark(attr: &Group) -> bool {
    matches!(
        attr.stream().into_iter().next(),
        Some(TokenTree::Ident(i)) if i == SHOULD_PANIC || i == IGNORE || i == TIMEOUT
    )
}

/// `case(...)` or `case::name(...)` inside `#[...]`.
fn raw_case(attr: &Group) -> Option<RawCase> {
    let mut iter = attr.stream().into_iter();
    let name = match iter.next()? {
        TokenTree::Ident(i) if i == "case" => i,
        _ => return None,
    };
    let mut next = iter.next()?;
    let mut short = None;
    if let TokenTree::Punct(p) = &next
        && p.as_char() == ':'
    {
        match (iter.next()?, iter.next()?, iter.next()?) {
            (TokenTree::Punct(p), TokenTree::Ident(i), args) if p.as_char() == ':' => {
                short = Some(i);
                next = args;
            }
            _ => return None,
        }
    }
    match (next, iter.next()) {
        (TokenTree::Group(args), None) if args.delimiter() == Delimiter::Parenthesis => {
            Some(RawCase {
                span: name.span(),
                short,
                tokens: args.stream(),
                marks: Vec::new(),
            })
        }
        _ => None,
    }
}
