//! rstest's old compact syntax, desugared onto the attribute form before anything else reads
//! the item: `#[testrig::test(a, b, case(1, 2), c => [1, 2], fix(3) as f, ::trace)]` and
//! `#[fixture(x = 1, fix(2), ::partial_1<Type>)]`. testrig's options (`serial`, `timeout`,
//! `scope`, ...) keep their meaning; the rest becomes the attributes rstest's newer syntax
//! writes on the parameters, so one model serves both spellings.

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Meta, Pat, Path};

use crate::ctxt::Ctxt;
use crate::item::FnItem as ItemFn;
use crate::parse::CaseAttr;
use crate::symbol::*;

/// Test options written bare (`serial`) and as `name = value` (`timeout = "5s"`).
const TEST_BARE: [&str; 4] = [ISOLATED, NO_AUTOUSE, SERIAL, SHARED];
const TEST_VALUED: [&str; 3] = [TIMEOUT, SERIAL, SHARED];
const FIXTURE_BARE: [&str; 2] = [AUTOUSE, "builtin"];
const FIXTURE_VALUED: [&str; 3] = [SCOPE, "params", "ids"];

/// One compact argument.
enum Item {
    /// An option of testrig's, handed on as written.
    Option(TokenStream),
    /// `name`: a parameter the cases fill (test) — or a bare option name.
    CaseArg(Ident),
    /// `[#[should_panic]] case[::name](values)`.
    Case {
        span: Span,
        short: Option<Ident>,
        tokens: TokenStream,
    },
    /// `name => [values]`.
    Values(Ident, TokenStream),
    /// `path(args) [as name]` or `path as name`.
    Fixture {
        path: Path,
        args: Option<TokenStream>,
        name: Option<Ident>,
    },
    /// `name = value` on a fixture: the parameter's default.
    Default(Ident, TokenStream),
}

/// The compact arguments of `#[testrig::test(..)]` or `#[fixture(..)]`.
pub(crate) struct Compact {
    items: Vec<Item>,
    /// `::default<Type>`, `::partial_N<Type>` of a fixture: `(name, type)`.
    returns: Vec<(Ident, TokenStream)>,
    /// The options, to be read by the option parser.
    pub(crate) options: TokenStream,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Test,
    Fixture,
}

fn is_double_colon(tokens: &[TokenTree]) -> bool {
    matches!(
        tokens,
        [TokenTree::Punct(a), TokenTree::Punct(b), ..] if a.as_char() == ':' && b.as_char() == ':'
    )
}

/// Splits the arguments at top-level commas, and the trailing `::attribute` part off.
pub(crate) fn read(args: TokenStream, kind: Kind, cx: &mut Ctxt) -> Compact {
    let mut chunks: Vec<Vec<TokenTree>> = vec![Vec::new()];
    let mut tail: Vec<TokenTree> = Vec::new();
    let mut iter = args.into_iter().peekable();
    while let Some(tt) = iter.next() {
        let current = chunks.last_mut().expect("one chunk at least");
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => chunks.push(Vec::new()),
            TokenTree::Punct(p)
                if p.as_char() == ':'
                    && (current.is_empty()
                        || matches!(current.last(), Some(TokenTree::Group(_))))
                    && matches!(iter.peek(), Some(TokenTree::Punct(q)) if q.as_char() == ':') =>
            {
                tail.push(tt);
                tail.extend(iter.by_ref());
            }
            _ => current.push(tt),
        }
    }
    let mut out = Compact {
        items: Vec::new(),
        returns: Vec::new(),
        options: TokenStream::new(),
    };
    for chunk in chunks.into_iter().filter(|c| !c.is_empty()) {
        if let Some(item) = item(&chunk, kind, cx) {
            out.items.push(item);
        }
    }
    attributes(&tail, kind, &mut out, cx);
    let options = out.items.iter().filter_map(|i| match i {
        Item::Option(t) => Some(t),
        _ => None,
    });
    out.options = quote!(#(#options),*);
    out
}

fn ident_at(chunk: &[TokenTree], i: usize) -> Option<&Ident> {
    match chunk.get(i) {
        Some(TokenTree::Ident(id)) => Some(id),
        _ => None,
    }
}

fn punct_at(chunk: &[TokenTree], i: usize, c: char) -> bool {
    matches!(chunk.get(i), Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn group_at(chunk: &[TokenTree], i: usize, d: Delimiter) -> Option<TokenStream> {
    match chunk.get(i) {
        Some(TokenTree::Group(g)) if g.delimiter() == d => Some(g.stream()),
        _ => None,
    }
}

fn tokens(chunk: &[TokenTree]) -> TokenStream {
    chunk.iter().cloned().collect()
}

const UNREADABLE: &str = "cannot read this as rstest's compact syntax (`name`, `case(..)`, \
                          `name => [..]`, `fixture(..) as name`); write it in attribute form";

fn item(chunk: &[TokenTree], kind: Kind, cx: &mut Ctxt) -> Option<Item> {
    let bare: &[&str] = if kind == Kind::Test {
        &TEST_BARE
    } else {
        &FIXTURE_BARE
    };
    let valued: &[&str] = if kind == Kind::Test {
        &TEST_VALUED
    } else {
        &FIXTURE_VALUED
    };
    if punct_at(chunk, 0, '#') {
        return case_with_attrs(chunk, cx);
    }
    let Some(first) = ident_at(chunk, 0) else {
        cx.error_at(tokens(chunk), UNREADABLE);
        return None;
    };
    let key = first.unraw().to_string();
    let is_option = bare.contains(&key.as_str()) || valued.contains(&key.as_str());
    // `name = value`: an option (the option parser reports unknown ones), or on a fixture a
    // parameter's default.
    if punct_at(chunk, 1, '=') && !punct_at(chunk, 2, '>') {
        if kind == Kind::Fixture && !is_option && chunk.len() > 2 {
            return Some(Item::Default(first.clone(), tokens(&chunk[2..])));
        }
        return Some(Item::Option(tokens(chunk)));
    }
    if key == CASE && kind == Kind::Test {
        return case(chunk, cx);
    }
    // An option in any other shape goes to the option parser, which says how to write it;
    // `apply` reports an option named like a parameter the compact form may have meant.
    if is_option && !(punct_at(chunk, 1, '=') && punct_at(chunk, 2, '>')) {
        return Some(Item::Option(tokens(chunk)));
    }
    if chunk.len() == 1 {
        if kind == Kind::Fixture {
            return Some(Item::Option(tokens(chunk)));
        }
        return Some(Item::CaseArg(first.clone()));
    }
    let option_clash = |cx: &mut Ctxt, how: &str| {
        cx.error_at(
            first,
            format!(
                "`{key}` is one of testrig's options, so it cannot stand for a parameter in the \
                 compact form; write the attribute form on the parameter: {how}"
            ),
        );
    };
    // `name => [values]`.
    if punct_at(chunk, 1, '=') && punct_at(chunk, 2, '>') {
        let list = group_at(chunk, 3, Delimiter::Bracket).filter(|_| chunk.len() == 4);
        let Some(list) = list else {
            cx.error_at(
                tokens(chunk),
                "write a list of values as `name => [1, 2, 3]`",
            );
            return None;
        };
        if is_option {
            option_clash(cx, "`#[values(..)]`");
            return None;
        }
        if kind == Kind::Fixture {
            cx.error_at(
                first,
                "`name => [..]` lists values of a test parameter, not of a fixture's",
            );
            return None;
        }
        return Some(Item::Values(first.clone(), list));
    }
    fixture(chunk, cx)
}

/// `path[(args)] [as name]`.
fn fixture(chunk: &[TokenTree], cx: &mut Ctxt) -> Option<Item> {
    let mut i = 0;
    let mut path = TokenStream::new();
    while let Some(id) = ident_at(chunk, i) {
        id.to_tokens(&mut path);
        i += 1;
        if is_double_colon(&chunk[i..]) && ident_at(chunk, i + 2).is_some() {
            tokens(&chunk[i..i + 2]).to_tokens(&mut path);
            i += 2;
        } else {
            break;
        }
    }
    let args = group_at(chunk, i, Delimiter::Parenthesis);
    if args.is_some() {
        i += 1;
    }
    let name = match (ident_at(chunk, i), ident_at(chunk, i + 1)) {
        (Some(kw), Some(n)) if kw == "as" => {
            i += 2;
            Some(n.clone())
        }
        _ => None,
    };
    if i != chunk.len() || (args.is_none() && name.is_none()) {
        cx.error_at(tokens(chunk), UNREADABLE);
        return None;
    }
    let Ok(path) = syn::parse2::<Path>(path) else {
        cx.error_at(tokens(chunk), UNREADABLE);
        return None;
    };
    Some(Item::Fixture { path, args, name })
}

fn case(chunk: &[TokenTree], cx: &mut Ctxt) -> Option<Item> {
    let span = chunk[0].span();
    let (short, at) = if is_double_colon(&chunk[1..]) {
        (ident_at(chunk, 3).cloned(), 4)
    } else {
        (None, 1)
    };
    match group_at(chunk, at, Delimiter::Parenthesis) {
        Some(tokens) if chunk.len() == at + 1 && (at == 1 || short.is_some()) => Some(Item::Case {
            span,
            short,
            tokens,
        }),
        _ => {
            cx.error_at(
                tokens(chunk),
                "write a case as `case(1, 2)` or `case::name(1, 2)`",
            );
            None
        }
    }
}

/// `#[should_panic] case(..)`: rstest's attributes on one case, as case options.
fn case_with_attrs(chunk: &[TokenTree], cx: &mut Ctxt) -> Option<Item> {
    let parser = |input: syn::parse::ParseStream<'_>| {
        let attrs = input.call(Attribute::parse_outer)?;
        let rest: TokenStream = input.parse()?;
        Ok((attrs, rest))
    };
    let (attrs, rest) = match syn::parse::Parser::parse2(parser, tokens(chunk)) {
        Ok(parsed) => parsed,
        Err(e) => {
            cx.push(e);
            return None;
        }
    };
    let rest: Vec<TokenTree> = rest.into_iter().collect();
    if ident_at(&rest, 0).is_none_or(|i| i != CASE) {
        cx.error_at(
            tokens(chunk),
            "attributes in the compact form go before a `case(..)`",
        );
        return None;
    }
    let Some(Item::Case {
        span,
        short,
        tokens,
    }) = case(&rest, cx)
    else {
        return None;
    };
    let mut marks = Vec::new();
    for attr in &attrs {
        let key = crate::parse::last_ident(attr.path());
        let text: Option<Option<syn::LitStr>> = match &attr.meta {
            Meta::Path(_) => Some(None),
            Meta::NameValue(nv) => crate::parse::lit_str(&nv.value).cloned().map(Some),
            Meta::List(l) => syn::parse2::<syn::MetaNameValue>(l.tokens.clone())
                .ok()
                .filter(|nv| nv.path.is_ident("expected"))
                .and_then(|nv| crate::parse::lit_str(&nv.value).cloned())
                .map(Some),
        };
        match (key.as_str(), text) {
            (SHOULD_PANIC | IGNORE, Some(None)) => {
                let k = Ident::new(&key, attr.path().span());
                marks.push(quote!(#k));
            }
            (SHOULD_PANIC | IGNORE, Some(Some(s))) => {
                let k = Ident::new(&key, attr.path().span());
                marks.push(quote!(#k = #s));
            }
            _ => cx.error_at(
                attr,
                "the compact form takes `#[should_panic]` and `#[ignore]` before a case; write \
                 other attributes in attribute form, on a `#[case(..)]`",
            ),
        }
    }
    let tokens = if marks.is_empty() {
        tokens
    } else {
        quote!(#tokens, #(#marks),*)
    };
    Some(Item::Case {
        span,
        short,
        tokens,
    })
}

/// `::trace::notrace(a, b)` (both), `::default<Type>::partial_N<Type>` (fixtures).
fn attributes(tail: &[TokenTree], kind: Kind, out: &mut Compact, cx: &mut Ctxt) {
    let mut i = 0;
    while i < tail.len() {
        let Some(name) = is_double_colon(&tail[i..])
            .then(|| ident_at(tail, i + 2))
            .flatten()
        else {
            cx.error_at(
                tokens(&tail[i..]),
                "write compact attributes as `::trace` or `::notrace(a)`",
            );
            return;
        };
        i += 3;
        let key = name.to_string();
        if key == "trace" {
            continue;
        }
        if key == "notrace" && group_at(tail, i, Delimiter::Parenthesis).is_some() {
            i += 1;
            continue;
        }
        let typed = key == DEFAULT
            || key
                .strip_prefix("partial_")
                .is_some_and(|n| n.parse::<usize>().is_ok());
        if kind == Kind::Fixture && typed && punct_at(tail, i, '<') {
            // The type runs to the matching `>`.
            let mut depth = 0usize;
            let start = i + 1;
            while i < tail.len() {
                match &tail[i] {
                    TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
                    TokenTree::Punct(p) if p.as_char() == '>' && !is_arrow(tail, i) => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            out.returns
                .push((name.clone(), tokens(&tail[start..i.min(tail.len())])));
            i += 1;
            continue;
        }
        cx.error_at(
            name,
            if kind == Kind::Fixture {
                "unknown compact attribute; rstest's are `::trace`, `::notrace(a)`, \
                 `::default<Type>` and `::partial_N<Type>`"
            } else {
                "unknown compact attribute; rstest's are `::trace` and `::notrace(a)`"
            },
        );
        return;
    }
}

/// `->` in `Fn(u32) -> u32` inside a type: its `>` closes nothing.
fn is_arrow(tail: &[TokenTree], i: usize) -> bool {
    i > 0 && punct_at(tail, i - 1, '-')
}

fn param_index(func: &ItemFn, name: &Ident) -> Option<usize> {
    func.sig.inputs.iter().position(|a| match a {
        FnArg::Typed(t) => matches!(&*t.pat, Pat::Ident(p) if p.ident.unraw() == name.unraw()),
        FnArg::Receiver(_) => false,
    })
}

fn add_attr(func: &mut ItemFn, index: usize, attr: Attribute) {
    if let Some(FnArg::Typed(t)) = func.sig.inputs.iter_mut().nth(index) {
        t.attrs.push(attr);
    }
}

/// Writes the compact arguments onto the function as attributes; returns the compact cases,
/// their values put in parameter order (rstest binds them in the order the names are listed).
pub(crate) fn apply(c: Compact, func: &mut ItemFn, cx: &mut Ctxt) -> Vec<CaseAttr> {
    let mut listed: Vec<usize> = Vec::new();
    let mut raw_cases = Vec::new();
    let has_cases = c.items.iter().any(|i| matches!(i, Item::Case { .. }));
    for item in c.items {
        match item {
            Item::Option(tokens) => {
                // An option named like a parameter, where the compact form could mean the
                // parameter: the option wins, which is worth saying.
                let mut iter = tokens.into_iter();
                let (Some(TokenTree::Ident(name)), next) = (iter.next(), iter.next()) else {
                    continue;
                };
                let listed = matches!(&next, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                if (has_cases && next.is_none() || listed) && param_index(func, &name).is_some() {
                    cx.error_at(
                        &name,
                        format!(
                            "`{name}` is one of testrig's options, so in the compact form it \
                             means the option, not the parameter `{name}`; write the attribute \
                             form on the parameter (`#[case]`, `#[with(..)]`)"
                        ),
                    );
                }
            }
            Item::CaseArg(name) => match param_index(func, &name) {
                Some(i) => {
                    add_attr(func, i, syn::parse_quote!(#[case]));
                    listed.push(i);
                }
                None if has_cases => cx.error_at(
                    &name,
                    format!(
                        "`{name}` names no parameter of this function; rstest's compact form \
                         lists the parameters the cases fill"
                    ),
                ),
                None => cx.error_at(
                    &name,
                    format!(
                        "unknown test option `{name}`; expected `isolated`, `timeout = \"5s\"`, \
                         `serial`, `serial = \"key\"`, `shared`, `shared = \"key\"` or \
                         `no_autouse` (in rstest's compact form, a name lists a parameter the \
                         cases fill, and this function has no parameter `{name}`)"
                    ),
                ),
            },
            Item::Case {
                span,
                short,
                tokens,
            } => raw_cases.push((span, short, tokens)),
            Item::Values(name, list) => match param_index(func, &name) {
                Some(i) => add_attr(func, i, syn::parse_quote!(#[values(#list)])),
                None => cx.error_at(
                    &name,
                    format!("`{name}` names no parameter of this function"),
                ),
            },
            Item::Default(name, value) => match param_index(func, &name) {
                Some(i) => add_attr(func, i, syn::parse_quote!(#[default(#value)])),
                None => cx.error_at(
                    &name,
                    format!(
                        "unknown fixture option `{name}`; expected `scope = \"session\"`, \
                         `autouse`, `params = [..]` or `ids = [..]` (in rstest's compact form, \
                         `name = value` is the default of a parameter, and this fixture has no \
                         parameter `{name}`)"
                    ),
                ),
            },
            Item::Fixture { path, args, name } => {
                let param = name.clone().or_else(|| path.get_ident().cloned());
                let Some(param) = param else {
                    cx.error_at(
                        &path,
                        "name the parameter it fills: `path::to::fixture(..) as name`",
                    );
                    continue;
                };
                let Some(i) = param_index(func, &param) else {
                    cx.error_at(
                        &param,
                        format!("`{param}` names no parameter of this function"),
                    );
                    continue;
                };
                if name.is_some() {
                    add_attr(func, i, syn::parse_quote!(#[from(#path)]));
                }
                if let Some(args) = args {
                    add_attr(func, i, syn::parse_quote!(#[with(#args)]));
                }
            }
        }
    }
    for (name, ty) in c.returns {
        func.attrs.push(syn::parse_quote!(#[#name(#ty)]));
    }
    let mut order = listed.clone();
    order.sort_unstable();
    raw_cases
        .into_iter()
        .map(|(span, short, tokens)| {
            let mut case = crate::parse::case_tokens(span, short, tokens, cx);
            if case.values.len() == listed.len() && order != listed {
                let values = std::mem::take(&mut case.values);
                case.values = order
                    .iter()
                    .map(|i| values[listed.iter().position(|l| l == i).unwrap_or(0)].clone())
                    .collect();
            }
            case
        })
        .collect()
}
