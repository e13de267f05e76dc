//! Parametrized fixtures: a test cannot see whether a fixture it names is parametrized (the
//! fixture is written elsewhere), so every fixture also defines a macro of its own name, its
//! *companion*, which knows the parametrized fixtures it reaches. A test that takes fixtures
//! calls its fixtures' companions in a chain (`__testrig_chain!`, in the runtime crate); each
//! adds its entries, and the last step (`finish`) writes the tests: the usual ones when no
//! fixture is parametrized, else one per combination of values.
//!
//! An entry is `("key" "id" "id" ..)`: the fixture's unique key and the name of each value.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::{Path, Visibility};

use crate::item::FnItem as ItemFn;
use crate::params::{is_reserved, key, value_ids};
use crate::parse::{FixtureArgs, Param, Source, last_ident};

/// The fixture paths whose companions a chain visits: fixtures with a reserved name have
/// none (they can reach no parametrized fixture, which `finish` checks where they are
/// defined).
fn chain_paths<'a>(paths: impl Iterator<Item = &'a Path>) -> Vec<TokenStream> {
    paths
        .filter(|p| !is_reserved(&last_ident(p)))
        .map(|p| quote!([#p]))
        .collect()
}

/// The fixture paths a test's parameters (after the `bound` ones the cases fill) and
/// `#[fixture_use]` list name, in set-up order.
pub(crate) fn test_paths<'a>(
    uses: &'a [Path],
    params: &'a [Param],
    bound: &[usize],
) -> Vec<&'a Path> {
    uses.iter()
        .chain(
            params
                .iter()
                .enumerate()
                .filter(|(i, _)| !bound.contains(i))
                .filter_map(|(_, p)| match &p.source {
                    Source::Fixture { path, .. } => Some(path),
                    _ => None,
                }),
        )
        .collect()
}

/// A call of the chain: `payload` reaches `finish` with every entry of `paths`' fixtures.
pub(crate) fn chain(paths: &[&Path], payload: TokenStream) -> TokenStream {
    let paths = chain_paths(paths.iter().copied());
    quote!(::testrig::__testrig_chain! { [#(#paths)*] [] { #payload } })
}

/// Whether a test needs the chain: it takes fixtures whose companions might add values.
pub(crate) fn needed(paths: &[&Path]) -> bool {
    paths.iter().any(|p| !is_reserved(&last_ident(p)))
}

/// The entry of a parametrized fixture.
fn own_entry(func: &ItemFn, args: &FixtureArgs) -> Option<TokenStream> {
    args.params.values.as_ref()?;
    let key = key(func);
    let ids = value_ids(&args.params);
    Some(quote!((#key #(#ids)*)))
}

/// What `#[fixture]` adds for its companion: the companion itself, or (for a fixture with
/// dependencies) a chain through theirs that ends by defining it.
pub(crate) fn fixture(func: &ItemFn, args: &FixtureArgs, params: &[Param]) -> TokenStream {
    if args.params.builtin {
        return TokenStream::new();
    }
    let name = &func.sig.ident;
    let vis = func.vis.to_token_stream();
    let own = own_entry(func, args);
    let skip = usize::from(own.is_some());
    let deps: Vec<&Path> = params
        .iter()
        .skip(skip)
        .filter_map(|p| match &p.source {
            // A fixture that names itself fails at run time with the cycle; its companion
            // does not exist yet to be asked.
            Source::Fixture { path, .. } if !path.is_ident(name) => Some(path),
            _ => None,
        })
        .collect();
    if !needed(&deps) {
        if is_reserved(&name.to_string()) {
            return TokenStream::new();
        }
        return companion(name, &vis, own.into_iter().collect());
    }
    let session = args.session.then(|| quote!(session));
    chain(&deps, quote!(fixture #name { #vis } #session #own))
}

/// The companion macro. A `pub` fixture that reaches no parametrized fixture re-exports
/// testrig's one plain companion (which adds nothing), so it works from other crates too.
/// Any other defines its own, which rustc then shows, at `#[fixture]`, as the "similarly
/// named macro" of a misspelt parameter: a `macro_rules!` macro can be made crate-wide with
/// `use` but not exported under a path from a macro's output, so a parametrized `pub`
/// fixture's companion is `pub(crate)`.
fn companion(name: &Ident, vis: &TokenStream, entries: Vec<TokenStream>) -> TokenStream {
    let public = matches!(
        syn::parse2::<Visibility>(vis.clone()),
        Ok(Visibility::Public(_))
    );
    if entries.is_empty() && public {
        return quote! {
            #[doc(hidden)]
            #[allow(unused_imports, unreachable_pub)]
            #vis use ::testrig::__testrig_plain_fixture as #name;
        };
    }
    let vis = if public {
        quote!(pub(crate))
    } else {
        vis.clone()
    };
    let hidden = format_ident!("__testrig_fixture_{}", name);
    quote! {
        #[doc(hidden)]
        macro_rules! #hidden {
            (@testrig [$($next:tt)*] [$($acc:tt)*] $payload:tt) => {
                ::testrig::__testrig_chain! { [$($next)*] [$($acc)* #(#entries)*] $payload }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        #vis use #hidden as #name;
    }
}

/// One entry, read back.
struct Entry {
    key: String,
    ids: Vec<String>,
    tokens: TokenStream,
}

fn str_value(lit: &Literal) -> String {
    match syn::Lit::new(lit.clone()) {
        syn::Lit::Str(s) => s.value(),
        _ => String::new(),
    }
}

fn read_entries(group: &Group) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for tt in group.stream() {
        let TokenTree::Group(g) = tt else { continue };
        let mut strings = g.stream().into_iter().filter_map(|t| match t {
            TokenTree::Literal(l) => Some(str_value(&l)),
            _ => None,
        });
        let Some(key) = strings.next() else { continue };
        // A fixture reached twice (through two others) is one fixture: its first place wins.
        if out.iter().any(|e| e.key == key) {
            continue;
        }
        out.push(Entry {
            key,
            ids: strings.collect(),
            tokens: g.to_token_stream(),
        });
    }
    out
}

fn next_group(iter: &mut impl Iterator<Item = TokenTree>) -> Group {
    match iter.next() {
        Some(TokenTree::Group(g)) => g,
        _ => Group::new(Delimiter::Brace, TokenStream::new()),
    }
}

fn next_ident(iter: &mut impl Iterator<Item = TokenTree>) -> Ident {
    match iter.next() {
        Some(TokenTree::Ident(i)) => i,
        _ => Ident::new("__testrig_missing", Span::call_site()),
    }
}

/// The last step of a chain: `[entries] { fixture .. }` defines a companion, `[entries]
/// { test .. }` writes the tests.
pub(crate) fn finish(input: TokenStream) -> TokenStream {
    let mut iter = input.into_iter();
    let entries = read_entries(&next_group(&mut iter));
    let payload = next_group(&mut iter);
    let mut iter = payload.stream().into_iter();
    let kind = next_ident(&mut iter);
    if kind == "call" {
        let hidden = next_ident(&mut iter);
        let items = next_group(&mut iter).stream();
        let calls = call_all(&entries, &hidden);
        return quote!(#items #calls);
    }
    if kind == "fixture" {
        let name = next_ident(&mut iter);
        let vis = next_group(&mut iter).stream();
        let mut entries = entries;
        let mut next = iter.next();
        let session = matches!(&next, Some(TokenTree::Ident(i)) if i == "session");
        if session {
            next = iter.next();
        }
        if session && !entries.is_empty() {
            let message = format!(
                "session fixture `{name}` reaches a parametrized fixture, but it is built once \
                 for every test; make `{name}` a function-scoped fixture"
            );
            return syn::Error::new(name.span(), message).to_compile_error();
        }
        if let Some(TokenTree::Group(own)) = next {
            let own = read_entries(&Group::new(Delimiter::Bracket, own.to_token_stream()));
            for o in own {
                if !entries.iter().any(|e| e.key == o.key) {
                    entries.push(o);
                }
            }
        }
        if is_reserved(&name.to_string()) {
            if entries.is_empty() {
                return TokenStream::new();
            }
            let message = format!(
                "fixture `{name}` reaches a parametrized fixture, but its name is also a macro \
                 of the standard library or of testrig, so tests cannot see that; rename it"
            );
            return syn::Error::new(name.span(), message).to_compile_error();
        }
        return companion(&name, &vis, entries.into_iter().map(|e| e.tokens).collect());
    }
    // Items that use the fixtures' types: they come out of the chain, so that a name that
    // is no fixture is one error (its missing companion), not one more for its type.
    let items = next_group(&mut iter).stream();
    let plain = next_group(&mut iter).stream();
    if entries.is_empty() {
        return quote!(#items #plain);
    }
    let test = Test {
        cfg: next_group(&mut iter).stream(),
        attrs: next_group(&mut iter).stream(),
        is_async: next_ident(&mut iter) == "true",
        sig: next_group(&mut iter).stream(),
    };
    let leaves = read_leaves(&next_group(&mut iter));
    let tests = test.expand(&entries, &leaves);
    quote!(#items #tests)
}

/// The values one combination takes, for `with_params`.
fn params_of(entries: &[Entry], combo: &[usize]) -> TokenStream {
    let id = combo
        .iter()
        .enumerate()
        .map(|(e, &v)| entries[e].ids[v].as_str())
        .collect::<Vec<_>>()
        .join("::");
    let keys = combo.iter().enumerate().map(|(e, &v)| {
        let key = &entries[e].key;
        quote!((#key, #v))
    });
    quote!(&::testrig::__private::Params { id: #id, keys: &[#(#keys),*] })
}

/// The body of `#[fixture_use]` on a function that is not a test (or under a `#[test]` that
/// already ran; such a function is never `async`, which `entry.rs` checks): `hidden` once,
/// or once for every combination of values in turn.
fn call_all(entries: &[Entry], hidden: &Ident) -> TokenStream {
    if entries.is_empty() {
        return quote!(#hidden(););
    }
    let combos = super::combinations(entries.iter().map(|e| e.ids.len()));
    let runs = combos.iter().map(|combo| {
        let params = params_of(entries, combo);
        quote!(::testrig::__private::with_params(#params, #hidden);)
    });
    quote!(#(#runs)*)
}

struct Test {
    cfg: TokenStream,
    attrs: TokenStream,
    is_async: bool,
    /// rstest's `#[ignore]` parameters, `name: Type`, kept on every generated test.
    sig: TokenStream,
}

/// A test as the case expansion made it: where it sits, its marks, the call that runs it.
struct Leaf {
    path: Vec<Ident>,
    marks: TokenStream,
    call: TokenStream,
}

fn read_leaves(group: &Group) -> Vec<Leaf> {
    group
        .stream()
        .into_iter()
        .filter_map(|tt| match tt {
            TokenTree::Group(g) => {
                let mut it = g.stream().into_iter();
                let path = next_group(&mut it)
                    .stream()
                    .into_iter()
                    .filter_map(|t| match t {
                        TokenTree::Ident(i) => Some(i),
                        _ => None,
                    })
                    .collect();
                let marks = next_group(&mut it).stream();
                let call = next_group(&mut it).stream();
                Some(Leaf { path, marks, call })
            }
            _ => None,
        })
        .collect()
}

/// Modules and test functions, nested by name.
#[derive(Default)]
struct Tree {
    modules: Vec<(Ident, Tree)>,
    tests: Vec<TokenStream>,
}

impl Tree {
    fn insert(&mut self, path: &[Ident], test: TokenStream) {
        match path.split_first() {
            None => self.tests.push(test),
            Some((first, rest)) => {
                let pos = match self.modules.iter().position(|(m, _)| m == first) {
                    Some(pos) => pos,
                    None => {
                        self.modules.push((first.clone(), Tree::default()));
                        self.modules.len() - 1
                    }
                };
                self.modules[pos].1.insert(rest, test);
            }
        }
    }

    fn render(self, cfg: &TokenStream) -> TokenStream {
        let modules = self.modules.into_iter().map(|(name, tree)| {
            let inner = tree.render(&TokenStream::new());
            quote! {
                #cfg
                #[allow(non_snake_case)]
                mod #name {
                    #inner
                }
            }
        });
        let tests = self.tests;
        quote!(#(#modules)* #(#tests)*)
    }
}

impl Test {
    fn expand(&self, entries: &[Entry], leaves: &[Leaf]) -> TokenStream {
        let p = crate::expand::Private;
        let combos = super::combinations(entries.iter().map(|e| e.ids.len()));
        let params_of = |combo: &[usize]| params_of(entries, combo);
        let (cfg, attrs, sig) = (&self.cfg, &self.attrs, &self.sig);
        let mut tree = Tree::default();
        for leaf in leaves {
            for combo in &combos {
                let mut path = leaf.path.clone();
                path.extend(
                    combo
                        .iter()
                        .enumerate()
                        .map(|(e, &v)| Ident::new(&entries[e].ids[v], leaf_span(leaf))),
                );
                let Some(ident) = path.pop() else { continue };
                let up = path.iter().map(|_| quote!(super::));
                let call = &leaf.call;
                let params = params_of(combo);
                let marks = &leaf.marks;
                let test = if self.is_async {
                    quote! {
                        #attrs
                        #marks
                        async fn #ident(#sig) {
                            #p::with_params_async(#params, #(#up)* #call).await
                        }
                    }
                } else {
                    quote! {
                        #attrs
                        #marks
                        fn #ident(#sig) {
                            #p::with_params(#params, || #(#up)* #call)
                        }
                    }
                };
                tree.insert(&path, test);
            }
        }
        // `#[cfg]`s go on each top module.
        tree.render(cfg)
    }
}

fn leaf_span(leaf: &Leaf) -> Span {
    leaf.path.first().map_or_else(Span::call_site, Ident::span)
}

/// A test without cases that takes fixtures.
pub(crate) struct Single<'a> {
    pub(crate) paths: &'a [&'a Path],
    pub(crate) cfg: &'a [syn::Attribute],
    pub(crate) test: TokenStream,
    pub(crate) leaf: &'a [syn::Attribute],
    pub(crate) vis: &'a Visibility,
    /// The test function is `async` (a runtime attribute drives it).
    pub(crate) is_async: bool,
    pub(crate) name: &'a Ident,
    /// What the test function holds when no fixture is parametrized.
    pub(crate) body: TokenStream,
    pub(crate) supplied: &'a super::test::Supplied,
}

/// The test's body moves to a hidden function; the chain then writes the test function (as
/// without parametrized fixtures) or one per combination of values.
pub(crate) fn single(s: Single<'_>) -> TokenStream {
    let Single {
        paths,
        cfg,
        test,
        leaf,
        vis,
        is_async,
        name,
        body,
        supplied,
    } = s;
    let hidden = format_ident!("__testrig_p_{}", name);
    let (sig, names) = (&supplied.sig, supplied.names());
    let asyncness = is_async.then(|| quote!(async));
    let await_ = is_async.then(|| quote!(.await));
    let callable = test.is_empty() && !leaf.iter().any(crate::parse::is_test_attr);
    let hidden_fn = quote! {
        #(#cfg)*
        #[cfg_attr(not(test), allow(dead_code))]
        #[allow(non_snake_case)]
        #[doc(hidden)]
        #asyncness fn #hidden(#(#sig),*) {
            #body
        }
    };
    if callable {
        // The function is written here and the chain runs inside it: when the chain stops
        // (a name that is no fixture), the function still exists for the code that calls it.
        let chain = chain(paths, quote!(call #hidden { #hidden_fn }));
        return quote! {
            #(#cfg)*
            #(#leaf)*
            #vis #asyncness fn #name() {
                #chain
            }
        };
    }
    let plain = quote! {
        #(#cfg)*
        #test
        #(#leaf)*
        #vis #asyncness fn #name(#(#sig),*) {
            #hidden(#(#names),*) #await_
        }
    };
    let chain = chain(
        paths,
        quote! {
            test { #hidden_fn } { #plain } { #(#cfg)* } { #test #(#leaf)* } #is_async
            { #(#sig),* } [{ [#name] {} { #hidden(#(#names),*) } }]
        },
    );
    quote!(#chain)
}

/// Cases and value matrices: `plain` are the test functions as without parametrized
/// fixtures; `leaves` say where each sits and what it calls, for the chain to multiply.
pub(crate) fn cases(
    plan: &super::test::Plan<'_>,
    plain: TokenStream,
    (attrs, sig): (TokenStream, &[TokenStream]),
    is_async: bool,
    leaves: impl FnOnce() -> Vec<TokenStream>,
) -> TokenStream {
    let paths = test_paths(plan.uses, plan.params, &plan.bound);
    if !needed(&paths) {
        return plain;
    }
    let leaves = leaves();
    chain(
        &paths,
        quote!(test {} { #plain } {} { #attrs } #is_async { #(#sig),* } [#(#leaves)*]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(out: &TokenStream) -> Vec<String> {
        let text = out.to_string();
        text.split("fn ")
            .skip(1)
            .map(|rest| {
                rest.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn no_entries_leave_the_plain_test() {
        let out = finish(quote! {
            [] { test {} { fn plain() {} } {} { #[test] } false {} [{ [t] {} { __run() } }] }
        });
        assert_eq!(
            out.to_string(),
            quote!(
                fn plain() {}
            )
            .to_string()
        );
    }

    #[test]
    fn entries_multiply_and_a_repeated_fixture_counts_once() {
        let out = finish(quote! {
            [("k1" "memory" "disk") ("k2" "small") ("k1" "memory" "disk")]
            { test {} { fn plain() {} } {} { #[test] } false {} [{ [t] {} { __run() } }] }
        });
        // `t::memory::small` and `t::disk::small`.
        assert_eq!(names(&out), ["small", "small"]);
        let text = out.to_string();
        assert!(text.contains("mod t"), "{text}");
        assert!(text.contains("mod memory"), "{text}");
        assert!(text.contains("mod disk"), "{text}");
        assert!(text.contains("\"memory::small\""), "{text}");
        assert!(
            text.contains("(\"k1\" , 1usize) , (\"k2\" , 0usize)"),
            "{text}"
        );
        assert!(text.contains("super :: super :: __run ()"), "{text}");
    }

    #[test]
    fn a_call_runs_once_or_once_per_combination_after_its_items() {
        let once = finish(quote!([] { call __h { fn __h() {} } }));
        assert_eq!(once.to_string(), quote!(fn __h() {} __h();).to_string());
        let each = finish(quote!([("k" "a" "b")] { call __h { fn __h() {} } })).to_string();
        assert!(each.starts_with("fn __h"), "{each}");
        assert_eq!(each.matches("with_params").count(), 2, "{each}");
        assert!(each.contains("\"b\""), "{each}");
    }

    #[test]
    fn a_fixture_bakes_its_dependencies_then_itself() {
        let out = finish(quote! {
            [("dep" "a")] { fixture store { pub } ("own" "x" "y") }
        });
        let text = out.to_string();
        let dep = text.find("\"dep\"").unwrap();
        let own = text.find("\"own\"").unwrap();
        assert!(dep < own, "{text}");
        assert!(
            text.contains("pub (crate) use __testrig_fixture_store as store"),
            "{text}"
        );
    }

    #[test]
    fn a_fixture_without_entries_reexports_the_plain_companion() {
        let out = finish(quote!([] { fixture store { pub } }));
        let text = out.to_string();
        assert!(
            text.contains("pub use :: testrig :: __testrig_plain_fixture as store"),
            "{text}"
        );
    }
}
