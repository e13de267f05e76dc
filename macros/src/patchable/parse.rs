//! Parsing and checking of `#[patchable]` input: every error is collected before any code is
//! generated.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{FnArg, ImplItem, Item, ItemFn, ItemImpl, ReturnType, Signature, Token, Type};

/// Options written in `#[patchable(...)]`.
#[derive(Default)]
pub(crate) struct Options {
    /// `always`: the seam exists in every build, not only test builds.
    pub(crate) always: bool,
}

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut options = Options::default();
        while !input.is_empty() {
            let ident: syn::Ident = input.parse()?;
            if ident == "always" {
                options.always = true;
            } else {
                return Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "unknown option `{ident}`: the only option of `#[testrig::patchable]` is \
                         `always` (keep the seam in every build, not only in test builds)"
                    ),
                ));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(options)
    }
}

/// What the attribute sits on.
pub(crate) enum Target {
    /// A free function, or a method/associated function (`assoc`).
    Fn { item: ItemFn, assoc: bool },
    /// An inherent impl block: every function in it becomes patchable.
    Impl(ItemImpl),
}

pub(crate) fn parse_target(input: TokenStream) -> syn::Result<Target> {
    let item: Item = syn::parse2(input)?;
    match item {
        Item::Fn(item) => {
            let assoc = item.sig.receiver().is_some() || mentions_self(&item.sig);
            Ok(Target::Fn { item, assoc })
        }
        Item::Impl(item) => Ok(Target::Impl(item)),
        Item::Verbatim(tokens) => {
            // A method without a body would land here; anything else is not ours either.
            Err(not_a_fn(tokens.span()))
        }
        other => Err(not_a_fn(other.span())),
    }
}

fn not_a_fn(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "`#[testrig::patchable]` goes on a function, a method or an inherent `impl` block",
    )
}

fn mentions_self(sig: &Signature) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_ident(&mut self, i: &syn::Ident) {
            self.0 |= i == "Self";
        }
    }
    let mut finder = Finder(false);
    finder.visit_signature(sig);
    finder.0
}

/// Every reason `sig` cannot be a seam.
pub(crate) fn check_signature(sig: &Signature, errors: &mut Vec<syn::Error>) {
    let name = &sig.ident;
    if let Some(constness) = &sig.constness {
        errors.push(syn::Error::new(
            constness.span,
            format!(
                "a `const fn` cannot be `#[testrig::patchable]`: a patch is chosen at run time; \
                 remove `const` from `{name}` or patch a non-const function it calls"
            ),
        ));
    }
    for param in sig.generics.params.iter() {
        match param {
            syn::GenericParam::Lifetime(_) => {}
            syn::GenericParam::Type(t) => errors.push(generic_error(t.ident.span(), name)),
            syn::GenericParam::Const(c) => errors.push(generic_error(c.ident.span(), name)),
        }
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "a C-variadic function cannot be `#[testrig::patchable]`; patch a Rust function that \
             calls it",
        ));
    }
    struct ImplTraits<'e>(&'e mut Vec<syn::Error>, &'e syn::Ident);
    impl Visit<'_> for ImplTraits<'_> {
        fn visit_type_impl_trait(&mut self, t: &syn::TypeImplTrait) {
            self.0.push(syn::Error::new(
                t.impl_token.span,
                format!(
                    "`impl Trait` makes `{}` generic, and generic functions cannot be \
                     `#[testrig::patchable]`; name a concrete type (`Box<dyn Trait>`, a struct) \
                     or patch a non-generic function it calls",
                    self.1
                ),
            ));
        }
    }
    let mut finder = ImplTraits(errors, name);
    for input in &sig.inputs {
        if let FnArg::Typed(arg) = input {
            finder.visit_type(&arg.ty);
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        finder.visit_type(ty);
    }
}

fn generic_error(span: Span, name: &syn::Ident) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "generic functions cannot be `#[testrig::patchable]`: one replacement must fit every \
             call; make a non-generic function the seam and call it from `{name}`"
        ),
    )
}

/// Every reason an impl block cannot hold seams.
pub(crate) fn check_impl(item: &ItemImpl, errors: &mut Vec<syn::Error>) {
    if let Some((_, path, _)) = &item.trait_ {
        errors.push(syn::Error::new(
            path.span(),
            "methods of trait impls cannot be `#[testrig::patchable]`; patch an inherent \
             function that the trait method calls",
        ));
    }
    if let Some(param) = item.generics.params.first() {
        errors.push(syn::Error::new(
            param.span(),
            "an `impl` block with generic parameters cannot hold `#[testrig::patchable]` \
             functions; make a non-generic function the seam",
        ));
    }
    for impl_item in &item.items {
        if let ImplItem::Fn(f) = impl_item {
            check_signature(&f.sig, errors);
        }
    }
}

/// The type of a non-receiver argument, and whether it has a lifetime anywhere but at the top.
pub(crate) fn has_inner_lifetime(ty: &Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_lifetime(&mut self, _: &syn::Lifetime) {
            self.0 = true;
        }
        fn visit_type_reference(&mut self, _: &syn::TypeReference) {
            self.0 = true;
        }
        fn visit_type_ptr(&mut self, _: &syn::TypePtr) {
            self.0 = true; // raw pointers are neither `Send` nor worth recording
        }
        fn visit_type_bare_fn(&mut self, _: &syn::TypeBareFn) {
            self.0 = true;
        }
        fn visit_type_trait_object(&mut self, _: &syn::TypeTraitObject) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}
