//! `#[supplier::test]`: turns `fn name(a: A, b: B) { .. }` into a `#[test]` that calls it with
//! `Into::into("supplied")` for every parameter.

use proc_macro::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};

/// Makes the function a test whose parameters this macro fills.
///
/// # Panics
///
/// When the item is no function.
#[proc_macro_attribute]
pub fn test(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let at = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i.to_string() == "fn"))
        .expect("a function");
    let name = tokens[at + 1].clone();
    tokens[at + 1] = TokenTree::Ident(Ident::new("__supplied_inner", Span::call_site()));
    let count = tokens[at + 2..]
        .iter()
        .find_map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => Some(params(g)),
            _ => None,
        })
        .unwrap_or(0);
    let args = vec!["::core::convert::Into::into(\"supplied\")"; count].join(", ");
    let inner: TokenStream = tokens.into_iter().collect();
    format!("#[test] fn {name}() {{ {inner} __supplied_inner({args}) }}")
        .parse()
        .expect("valid tokens")
}

/// How many parameters a parameter list holds: its commas outside `<..>`, and a last one.
fn params(list: &Group) -> usize {
    let mut depth = 0i32;
    let mut count = 0;
    let mut pending = false;
    for t in list.stream() {
        match &t {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => depth -= 1,
            TokenTree::Punct(p) if p.as_char() == ',' && depth == 0 => {
                count += usize::from(pending);
                pending = false;
                continue;
            }
            _ => {}
        }
        pending = true;
    }
    count + usize::from(pending)
}
