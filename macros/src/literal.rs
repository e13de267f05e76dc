//! rstest's string-literal conversion, macro side: a lone string literal handed to a
//! parameter whose type is not `&str` is wrapped for the runtime crate's `literal` module,
//! which picks `&str` or `FromStr` by the type (and says at the literal when neither fits).

use proc_macro2::{Ident, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote_spanned};
use syn::{Generics, Type};

/// The wrapped value, or `None` when `value` stays as written: it is no lone string literal,
/// the type is `&str`, or the type cannot be named outside the function (`impl Trait`, a
/// type parameter), where rstest leaves the literal alone too.
pub(crate) fn convert(ty: &Type, value: &[TokenTree], generics: &Generics) -> Option<TokenStream> {
    let [TokenTree::Literal(lit)] = value else {
        return None;
    };
    // The cheap questions first: most values are no string literal, and most string
    // literals go to `&str`.
    let text = lit.to_string();
    if !(text.starts_with('"') || text.starts_with('r')) || is_str(ty) {
        return None;
    }
    if !matches!(syn::Lit::new(lit.clone()), syn::Lit::Str(_)) || !nameable(ty, generics) {
        return None;
    }
    let ty = elide_lifetimes(ty.to_token_stream());
    let span = lit.span();
    Some(quote_spanned! {span=>
        {
            // Only the trait that applies is used; which one it is depends on the type.
            #[allow(unused_imports)]
            use ::testrig::__private::literal::{
                Literal, NotConvertible as _, ViaParse as _, ViaParseDebug as _,
                ViaParseDisplay as _, ViaStr as _,
            };
            (&&&&Literal::<#ty>::new(#lit)).__testrig_convert()
        }
    })
}

/// `&str` and `&'a str`.
fn is_str(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => r.mutability.is_none() && is_str(&r.elem),
        Type::Path(p) => p.qself.is_none() && p.path.is_ident("str"),
        Type::Paren(p) => is_str(&p.elem),
        Type::Group(g) => is_str(&g.elem),
        _ => false,
    }
}

fn nameable(ty: &Type, generics: &Generics) -> bool {
    let params: Vec<String> = generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    fn clean(tokens: TokenStream, params: &[String]) -> bool {
        tokens.into_iter().all(|t| match t {
            TokenTree::Ident(i) => i != "impl" && i != "_" && !params.contains(&i.to_string()),
            TokenTree::Group(g) => clean(g.stream(), params),
            _ => true,
        })
    }
    clean(ty.to_token_stream(), &params)
}

/// The value is built outside the test function, where its lifetime parameters are not in
/// scope: `&'a T` becomes `&'_ T` (`'static` stays).
fn elide_lifetimes(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut after_quote = false;
    for t in tokens {
        let t = match t {
            TokenTree::Ident(i) if after_quote && i != "static" => {
                TokenTree::Ident(Ident::new("_", i.span()))
            }
            TokenTree::Group(g) => {
                let mut inner = proc_macro2::Group::new(g.delimiter(), elide_lifetimes(g.stream()));
                inner.set_span(g.span());
                TokenTree::Group(inner)
            }
            other => other,
        };
        after_quote = matches!(&t, TokenTree::Punct(p) if p.as_char() == '\'' && p.spacing() == Spacing::Joint);
        out.push(t);
    }
    out.into_iter().collect()
}
