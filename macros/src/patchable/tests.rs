use proc_macro2::TokenStream;
use quote::quote;

use super::patchable;

/// What an expansion leaves in a build that is neither a test build (`cfg(test)`) nor has
/// testrig's `seams` feature: the tokens inside `if_no_seams!`, and nothing else.
fn non_seam_items(expansion: TokenStream) -> String {
    let file: syn::File = syn::parse2(expansion).expect("expansion parses");
    let mut kept = TokenStream::new();
    for item in file.items {
        let (attrs, mac) = match &item {
            syn::Item::Fn(f) => (&f.attrs, None),
            syn::Item::Impl(i) => (&i.attrs, None),
            syn::Item::Struct(s) => (&s.attrs, None),
            syn::Item::Macro(m) => (&m.attrs, Some(&m.mac)),
            other => panic!("unexpected item {}", quote!(#other)),
        };
        let cfg: Vec<String> = attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg"))
            .map(|a| a.meta.require_list().unwrap().tokens.to_string())
            .collect();
        match mac {
            None => assert_eq!(cfg, ["test"], "a seam item outside `cfg(test)`"),
            Some(mac) => {
                assert_eq!(cfg, ["not (test)"]);
                let name = mac.path.segments.last().unwrap().ident.to_string();
                match name.as_str() {
                    "if_seams" => {}
                    "if_no_seams" => kept.extend(mac.tokens.clone()),
                    other => panic!("unexpected macro {other}"),
                }
            }
        }
    }
    kept.to_string()
}

#[test]
fn without_seams_a_free_fn_is_exactly_as_written() {
    let input = quote! {
        /// Creates the cache directory.
        #[inline(never)]
        pub fn make_dir(path: &std::path::Path) -> std::io::Result<()> {
            std::fs::create_dir(path)
        }
    };
    let out = patchable(TokenStream::new(), input.clone());
    assert_eq!(non_seam_items(out), input.to_string());
}

#[test]
fn without_seams_an_impl_block_is_exactly_as_written() {
    let input = quote! {
        impl Store {
            pub fn get(&self, key: &str) -> Option<&str> { self.map.get(key).map(|s| s.as_str()) }
            async fn load(mut self) -> Self { self }
        }
    };
    let out = patchable(TokenStream::new(), input.clone());
    assert_eq!(non_seam_items(out), input.to_string());
}

#[test]
fn always_emits_no_untouched_copy() {
    let input = quote!(
        fn answer() -> u32 {
            42
        }
    );
    let out = patchable(quote!(always), input).to_string();
    assert!(!out.contains("cfg"), "{out}");
    assert!(out.contains("PatchSlot"), "{out}");
}

#[test]
fn generic_functions_are_rejected_with_the_item_kept() {
    let input = quote!(
        fn pick<T: Clone>(t: T) -> T {
            t
        }
    );
    let out = patchable(TokenStream::new(), input.clone()).to_string();
    assert!(out.contains("generic functions cannot be"), "{out}");
    assert!(out.ends_with(&input.to_string()), "{out}");
}

#[test]
fn impl_trait_arguments_are_rejected() {
    let out = patchable(
        TokenStream::new(),
        quote!(
            fn f(x: impl AsRef<str>) {}
        ),
    )
    .to_string();
    assert!(out.contains("`impl Trait` makes `f` generic"), "{out}");
}

#[test]
fn unknown_options_are_rejected() {
    let out = patchable(
        quote!(sometimes),
        quote!(
            fn f() {}
        ),
    )
    .to_string();
    assert!(out.contains("unknown option `sometimes`"), "{out}");
}
