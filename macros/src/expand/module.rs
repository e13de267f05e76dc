//! `#[fixture_use(..)]` and `#[testrig::test(options)]` on an inline `mod`: the attribute is
//! copied onto every test inside (nested modules included), merged with what the test says
//! itself: module first, the test's own option wins.
//!
//! Items are split at the token level (attributes, then everything up to the first top-level
//! `;` or `{ ... }`): only the attributes of each item matter here, and every token goes back
//! out in its place, so a split in the middle of some other item changes nothing.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Path, Token};

use crate::ctxt::Ctxt;
use crate::parse::{self, is_fixture_use, is_test_attr, is_testrig_test, path_text};
use crate::valid;

/// Which attribute is written on the module.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// `#[fixture_use(a, b)]`
    Uses,
    /// `#[testrig::test(serial = "k", timeout = "..", ...)]`
    Options,
}

impl Kind {
    fn written(self) -> &'static str {
        match self {
            Kind::Uses => "#[fixture_use(..)]",
            Kind::Options => "#[testrig::test(..)]",
        }
    }

    fn is_mine(self, attr: &Attribute) -> bool {
        match self {
            Kind::Uses => is_fixture_use(attr.path()),
            Kind::Options => is_testrig_test(attr.path()),
        }
    }
}

/// Whether the item is a `mod` (after its attributes and visibility): cheap, so that
/// functions, the common case, pay one look at their first tokens.
pub(crate) fn is_mod(item: &TokenStream) -> bool {
    is_mod_trees(&item.clone().into_iter().collect::<Vec<_>>())
}

/// [`is_mod`] of an item already split into token trees.
pub(crate) fn is_mod_trees(item: &[TokenTree]) -> bool {
    let mut iter = item.iter().cloned().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                iter.next();
            }
            TokenTree::Ident(i) if i == "pub" => {
                if let Some(TokenTree::Group(g)) = iter.peek()
                    && g.delimiter() == Delimiter::Parenthesis
                {
                    iter.next();
                }
            }
            TokenTree::Ident(i) => return i == "mod",
            _ => return false,
        }
    }
    false
}

/// The module with `args` applied to every test inside, or the module unchanged plus the
/// errors.
pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let args_span = args
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span());
    let module = match kind {
        Kind::Uses => {
            let uses = parse::use_list(args.clone(), &mut cx);
            valid::unique_uses(&uses, &mut cx);
            Module::Uses(uses.iter().map(reroot).collect())
        }
        Kind::Options => {
            let parsed = parse::test_args(args.clone(), &mut cx);
            valid::test_options(&parsed, &[], &mut cx);
            Module::Options(metas(args.clone()).unwrap_or_default())
        }
    };
    let trees: Vec<TokenTree> = item.clone().into_iter().collect();
    let Some((head, body)) = split_mod(&trees) else {
        cx.error(
            mod_span(&trees),
            format!(
                "`{}` on `mod name;` cannot reach the tests in that file: an attribute macro \
                 sees only the tokens it is written on, and an inner `#![...]` attribute \
                 cannot be a macro on stable Rust; write the attribute on an inline `mod` \
                 inside the file (`{} mod tests {{ ... }}`) or on each test",
                kind.written(),
                kind.written(),
            ),
        );
        let errors = cx.into_compile_errors();
        return quote!(#item #errors);
    };
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        return quote!(#item #errors);
    }
    let mut applied = 0;
    let content = apply(kind, &module, body.stream(), &mut applied, &mut cx);
    if applied == 0 {
        cx.error(
            args_span,
            format!(
                "`{}` on a module applies to the tests inside it (`#[test]`, `#[tokio::test]`, \
                 `#[testrig::test]`), and this module has none; tests written by a macro are \
                 not seen: put the attribute on them",
                kind.written()
            ),
        );
    }
    if cx.has_errors() {
        let errors = cx.into_compile_errors();
        return quote!(#item #errors);
    }
    let mut group = proc_macro2::Group::new(Delimiter::Brace, content);
    group.set_span(body.span());
    let head = head.iter();
    quote!(#(#head)* #group)
}

/// A fixture path written beside `mod m`, as seen from inside `m`: the items of a module do
/// not see its parent's names, so a relative path gets one `super::` more.
fn reroot(path: &Path) -> Path {
    let first = path.segments.first().map(|s| s.ident.to_string());
    match first.as_deref() {
        _ if path.leading_colon.is_some() => path.clone(),
        Some("crate" | "$crate") => path.clone(),
        Some("self") => {
            let mut path = path.clone();
            let span = path.segments[0].ident.span();
            path.segments[0].ident = syn::Ident::new("super", span);
            path
        }
        _ => {
            let mut rooted: Path = syn::parse_quote!(super);
            rooted.segments.extend(path.segments.iter().cloned());
            rooted
        }
    }
}

/// What the module's attribute says.
enum Module {
    Uses(Vec<Path>),
    Options(Vec<Meta>),
}

fn metas(args: TokenStream) -> Option<Vec<Meta>> {
    Punctuated::<Meta, Token![,]>::parse_terminated
        .parse2(args)
        .ok()
        .map(|l| l.into_iter().collect())
}

/// `[attrs] [vis] mod name { ... }`: the tokens before the braces and the braces; `None` for
/// `mod name;`.
fn split_mod(trees: &[TokenTree]) -> Option<(&[TokenTree], &proc_macro2::Group)> {
    match trees.split_last()? {
        (TokenTree::Group(g), head) if g.delimiter() == Delimiter::Brace => Some((head, g)),
        _ => None,
    }
}

fn mod_span(trees: &[TokenTree]) -> Span {
    trees
        .iter()
        .find(|t| matches!(t, TokenTree::Ident(i) if i == "mod"))
        .map_or_else(Span::call_site, TokenTree::span)
}

/// One item of a module: its outer attributes (as tokens and parsed) and the rest.
struct Item {
    attrs: Vec<(TokenStream, Option<Attribute>)>,
    rest: Vec<TokenTree>,
}

/// Splits a module's content into items. Inner attributes (`#![...]`) come back as items
/// without a body, so they keep their place.
fn items(content: TokenStream) -> Vec<Item> {
    let trees: Vec<TokenTree> = content.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < trees.len() {
        let mut attrs = Vec::new();
        while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) =
            (trees.get(i), trees.get(i + 1))
            && p.as_char() == '#'
            && g.delimiter() == Delimiter::Bracket
        {
            let tokens: TokenStream = trees[i..i + 2].iter().cloned().collect();
            let parsed = Attribute::parse_outer
                .parse2(tokens.clone())
                .ok()
                .and_then(|mut v| v.pop());
            attrs.push((tokens, parsed));
            i += 2;
        }
        let mut rest = Vec::new();
        let inner = matches!(trees.get(i), Some(TokenTree::Punct(p)) if p.as_char() == '#');
        let mut take = if inner { 3 } else { usize::MAX };
        while let Some(tt) = trees.get(i) {
            rest.push(tt.clone());
            i += 1;
            take -= 1;
            let end = match tt {
                TokenTree::Punct(p) => p.as_char() == ';',
                TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
                _ => false,
            };
            if end || take == 0 {
                break;
            }
        }
        out.push(Item { attrs, rest });
    }
    out
}

/// `[vis] mod name ...`: the index of `mod` in `rest`.
fn mod_keyword(rest: &[TokenTree]) -> Option<usize> {
    let mut i = 0;
    if matches!(rest.first(), Some(TokenTree::Ident(id)) if id == "pub") {
        i = 1;
        if matches!(rest.get(1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            i = 2;
        }
    }
    matches!(rest.get(i), Some(TokenTree::Ident(id)) if id == "mod").then_some(i)
}

fn apply(
    kind: Kind,
    module: &Module,
    content: TokenStream,
    applied: &mut usize,
    cx: &mut Ctxt,
) -> TokenStream {
    let mut out = TokenStream::new();
    for mut item in items(content) {
        let parsed = || item.attrs.iter().filter_map(|(_, a)| a.as_ref());
        let is_test = parsed().any(|a| is_test_attr(a) || is_testrig_test(a.path()));
        if is_test {
            *applied += 1;
            merge_into_item(kind, module, &mut item.attrs);
        } else if let Some(at) = mod_keyword(&item.rest) {
            if parsed().any(|a| kind.is_mine(a)) {
                // The nested module's own attribute applies it further down; hand ours to it.
                *applied += 1;
                merge_into_item(kind, module, &mut item.attrs);
            } else {
                match item.rest.last() {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                        let deeper = match module {
                            Module::Uses(uses) => Module::Uses(uses.iter().map(reroot).collect()),
                            Module::Options(options) => Module::Options(options.clone()),
                        };
                        let inner = apply(kind, &deeper, g.stream(), applied, cx);
                        let mut group = proc_macro2::Group::new(Delimiter::Brace, inner);
                        group.set_span(g.span());
                        *item.rest.last_mut().expect("checked") = TokenTree::Group(group);
                    }
                    _ => cx.error(
                        item.rest[at].span(),
                        format!(
                            "the tests in this file module cannot inherit the `{}` of the \
                             module around it (an attribute macro sees only the tokens it is \
                             written on); write the attribute on an inline `mod` inside the \
                             file or on each test, or move `mod` out of this module",
                            kind.written()
                        ),
                    ),
                }
            }
        }
        for (tokens, _) in &item.attrs {
            out.extend(tokens.clone());
        }
        out.extend(item.rest);
    }
    out
}

/// Applies the module's attribute to one test (or nested module): merged into an attribute
/// of the same kind that the item has, else added in front of its attributes.
fn merge_into_item(kind: Kind, module: &Module, attrs: &mut Vec<(TokenStream, Option<Attribute>)>) {
    let own = attrs
        .iter()
        .position(|(_, a)| a.as_ref().is_some_and(|a| kind.is_mine(a)));
    match (module, own) {
        (Module::Uses(uses), None) => {
            // Right below `#[testrig::test]`, which collects it, rather than above it, which
            // would parse the whole test once more to hand the list down.
            let at = attrs
                .iter()
                .position(|(_, a)| a.as_ref().is_some_and(|a| is_testrig_test(a.path())))
                .map_or(0, |i| i + 1);
            attrs.insert(at, (quote!(#[::testrig::fixture_use(#(#uses),*)]), None));
        }
        (Module::Options(options), None) => {
            attrs.insert(0, (quote!(#[::testrig::test(#(#options),*)]), None));
        }
        (_, Some(at)) => {
            let attr = attrs[at].1.clone().expect("parsed");
            let path = attr.path();
            let own_args = match &attr.meta {
                Meta::List(l) => l.tokens.clone(),
                _ => TokenStream::new(),
            };
            let merged = match module {
                Module::Uses(uses) => merge_uses(uses, own_args),
                Module::Options(options) => merge_options(options, own_args),
            };
            if let Some(merged) = merged {
                attrs[at] = (quote!(#[#path(#merged)]), None);
            }
        }
    }
}

/// The module's fixtures, then the test's own that the module does not list already.
/// `None` (leave the test's attribute alone) when its list does not parse: its own macro
/// reports that.
fn merge_uses(module: &[Path], own: TokenStream) -> Option<TokenStream> {
    let own = Punctuated::<Path, Token![,]>::parse_terminated
        .parse2(own)
        .ok()?;
    let listed: Vec<String> = module.iter().map(path_text).collect();
    let own = own.iter().filter(|p| !listed.contains(&path_text(p)));
    let all = module.iter().chain(own);
    Some(quote!(#(#all),*))
}

/// The module's options the test does not set itself, then the test's own, by option name.
fn merge_options(module: &[Meta], own: TokenStream) -> Option<TokenStream> {
    let own = metas(own)?;
    let named: Vec<String> = own.iter().map(|m| path_text(m.path())).collect();
    let inherited = module
        .iter()
        .filter(|m| !named.contains(&path_text(m.path())));
    let all: Vec<TokenStream> = inherited
        .map(ToTokens::to_token_stream)
        .chain(own.iter().map(ToTokens::to_token_stream))
        .collect();
    Some(quote!(#(#all),*))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mod_is_told_from_a_fn_by_its_first_tokens() {
        assert!(is_mod(&quote!(
            #[cfg(test)]
            pub(crate) mod tests {}
        )));
        assert!(is_mod(&quote!(
            mod tests;
        )));
        assert!(!is_mod(&quote!(
            #[test]
            fn module() {}
        )));
        assert!(!is_mod(&quote!(
            pub async fn t() {}
        )));
    }

    #[test]
    fn items_split_at_their_end_and_keep_every_token() {
        let content = quote! {
            #![allow(dead_code)]
            use a::{b, c};
            const C: S = S { x: 1 };
            #[test]
            fn t() -> [u8; 2] { [0; 2] }
            mod inner { #[test] fn u() {} }
        };
        let items = items(content.clone());
        let tests: Vec<bool> = items
            .iter()
            .map(|i| {
                i.attrs
                    .iter()
                    .any(|(_, a)| a.as_ref().is_some_and(is_test_attr))
            })
            .collect();
        assert_eq!(tests.iter().filter(|t| **t).count(), 1);
        let back: TokenStream = items
            .into_iter()
            .flat_map(|i| {
                let mut out: TokenStream = i.attrs.into_iter().map(|(t, _)| t).collect();
                out.extend(i.rest);
                out
            })
            .collect();
        assert_eq!(back.to_string(), content.to_string());
    }

    #[test]
    fn the_tests_own_option_wins_by_name_and_module_options_come_first() {
        let module = metas(quote!(serial = "m", timeout = "5s", isolated)).unwrap();
        let merged = merge_options(&module, quote!(timeout = "1s", no_autouse)).unwrap();
        assert_eq!(
            merged.to_string(),
            quote!(serial = "m", isolated, timeout = "1s", no_autouse).to_string()
        );
    }

    #[test]
    fn fixture_lists_merge_module_first_without_repeats() {
        let module = [syn::parse_quote!(a), syn::parse_quote!(b)];
        let merged = merge_uses(&module, quote!(c, a)).unwrap();
        assert_eq!(merged.to_string(), quote!(a, b, c).to_string());
    }
}
