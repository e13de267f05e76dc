//! `#[fixture]`: the function as written, plus a type of the same name implementing the
//! fixture traits.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ReturnType;

use crate::item::FnItem as ItemFn;

use crate::parse::{FixtureArgs, Param, Source};

pub(crate) fn expand(func: &ItemFn, args: &FixtureArgs, params: &[Param]) -> TokenStream {
    let name = &func.sig.ident;
    let name_str = name.to_string();
    let vis = &func.vis;
    let out = match &func.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    };
    let is_async = func.sig.asyncness.is_some();
    let p = crate::expand::Private;
    // A parametrized fixture's first parameter gets the value this test runs with.
    let value = value_arg(func, args);
    let skip = usize::from(value.is_some());

    let opaque = super::calls::is_opaque(func);
    let scope = if args.session || opaque {
        quote!()
    } else {
        quote!(impl #p::FunctionScope for #name {})
    };

    let build = if opaque {
        super::calls::opaque(func, args, params)
    } else if is_async {
        let deps = value
            .iter()
            .cloned()
            .chain(params.iter().skip(skip).map(|d| dep(d, true)));
        let body = if args.session {
            if cfg!(feature = "tokio") {
                quote! {
                    static CELL: #p::AsyncSessionCell<#out> = #p::AsyncSessionCell::new();
                    #p::boxed(async move { #p::Held::Shared(CELL.get_or_init(#name).await) })
                }
            } else {
                quote!(::core::compile_error!(
                    "async session fixtures need testrig's feature `tokio`: enable it in Cargo.toml"
                ))
            }
        } else {
            quote!(#p::boxed(async move { #p::Held::Own(#name(#(#deps),*).await) }))
        };
        quote! {
            impl #p::AsyncFixture for #name {
                fn build_async(__r: &#p::Resolver) -> #p::BoxFuture<'_, #p::Held<#out>> {
                    #body
                }
            }
        }
    } else {
        let deps = value
            .iter()
            .cloned()
            .chain(params.iter().skip(skip).map(|d| dep(d, false)));
        let body = if args.session {
            quote! {
                static CELL: #p::SessionCell<#out> = #p::SessionCell::new();
                #p::Held::Shared(CELL.get_or_init(|| #name(#(#deps),*)))
            }
        } else {
            quote!(#p::Held::Own(#name(#(#deps),*)))
        };
        // A function-scoped sync fixture is sync only while its fixtures are: on top of an
        // async one it serves async tests alone, which await that one first. `for<'__t>`
        // keeps a bound that does not hold from being an error where it is written.
        let (bounds, build_async) = if args.session || params.len() == skip {
            (
                quote!(),
                quote!(#p::ready(<Self as #p::SyncFixture>::build(__r))),
            )
        } else {
            // An `impl Trait` parameter is left out: a fixture returning `impl Trait` is
            // never a `SyncFixture`, its own set-up function is.
            let paths = params.iter().skip(skip).filter_map(|d| match &d.source {
                Source::Fixture { path, .. } if !d.opaque => Some(path),
                _ => None,
            });
            let deps = value
                .iter()
                .cloned()
                .chain(params.iter().skip(skip).map(|d| dep(d, true)));
            (
                quote!(where #(for<'__t> #paths: #p::SyncFixture,)*),
                quote!(#p::boxed(async move { #p::Held::Own(#name(#(#deps),*)) })),
            )
        };
        quote! {
            impl #p::SyncFixture for #name #bounds {
                fn build(__r: &#p::Resolver) -> #p::Held<#out> {
                    #body
                }
            }
            impl #p::AsyncFixture for #name {
                fn build_async(__r: &#p::Resolver) -> #p::BoxFuture<'_, #p::Held<#out>> {
                    #build_async
                }
            }
        }
    };

    let autouse = args.autouse.map(|_| {
        let register = format_ident!("__testrig_register_{}", name);
        quote! {
            const _: () = {
                #[used]
                #[cfg_attr(
                    any(
                        target_os = "linux", target_os = "android", target_os = "freebsd",
                        target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly",
                        target_os = "illumos", target_os = "solaris"
                    ),
                    unsafe(link_section = ".init_array")
                )]
                #[cfg_attr(target_vendor = "apple", unsafe(link_section = "__DATA,__mod_init_func"))]
                #[cfg_attr(windows, unsafe(link_section = ".CRT$XCU"))]
                static REGISTER: extern "C" fn() = {
                    extern "C" fn #register() {
                        #p::register_autouse(#p::Autouse {
                            path: ::core::concat!(::core::module_path!(), "::", #name_str),
                            hold: #p::hold::<#name>,
                        });
                    }
                    #register
                };
            };
        }
    });

    let companion = super::params::fixture(func, args, params);
    let stored = if opaque {
        quote!(#p::ImplTrait)
    } else {
        out.clone()
    };
    let partials = super::calls::partials(func, args, params);
    // testrig hands each dependency over by value when the signature asks for a value.
    let allow = (!params.is_empty()).then(|| quote!(#[allow(clippy::needless_pass_by_value)]));

    quote! {
        #allow
        #func
        #companion

        #partials

        #[allow(non_camel_case_types)]
        #[doc(hidden)]
        #vis struct #name {}

        impl #p::Fixture for #name {
            type Output = #stored;
            const NAME: &'static str = #name_str;
        }
        #scope
        #build
        #autouse
    }
}

/// `match __r.param::<name>(key) { 0 => v0, .. }`: the value of a parametrized fixture.
fn value_arg(func: &ItemFn, args: &FixtureArgs) -> Option<TokenStream> {
    let (_, values) = args.params.values.as_ref()?;
    let name = &func.sig.ident;
    let key = crate::params::key(func);
    let arms = values.iter().enumerate().map(|(i, v)| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#i => #v,)
    });
    Some(quote! {
        match __r.param::<#name>(#key) {
            #(#arms)*
            _ => ::core::unreachable!(),
        }
    })
}

/// The expression that resolves one dependency, spanned at the parameter so that a wrong
/// fixture (unknown, async in sync code, session by value) is reported there.
pub(crate) fn dep(param: &Param, is_async: bool) -> TokenStream {
    let value = resolve(param, is_async);
    if param.future == crate::parse::Future::Pass {
        // rstest's `#[future]`: the parameter is `impl Future<Output = T>`; testrig has the
        // value already (async fixtures are awaited for the test), so it hands a ready one.
        return quote_spanned!(param.span=> ::core::future::ready(#value));
    }
    value
}

fn resolve(param: &Param, is_async: bool) -> TokenStream {
    let span = param.span;
    let (path, by_ref, with) = match &param.source {
        Source::Fixture { path, by_ref, with } => (path, by_ref, with),
        Source::Default(value) => return quote_spanned!(span=> #value),
        Source::Supplied(index) => return quote_spanned!(span=> __r.supplied(#index)),
        Source::Context { by_ref: true } => return quote_spanned!(span=> __r.context()),
        Source::Context { by_ref: false } => {
            return quote_spanned!(span=> ::core::clone::Clone::clone(__r.context()));
        }
        _ => return quote!(()),
    };
    if param.opaque && with.is_empty() {
        // `x: impl Trait`: the fixture's own set-up when it returns `impl Trait` (an
        // inherent function), else the blanket trait method, which is `take`.
        let p = quote_spanned!(span=> ::testrig::__private);
        return if is_async {
            quote_spanned!(span=> {
                #[allow(unused_imports)]
                use #p::TakeValueAsync as _;
                <#path>::__testrig_take_async(__r).await
            })
        } else {
            quote_spanned!(span=> {
                #[allow(unused_imports)]
                use #p::TakeValue as _;
                <#path>::__testrig_take(__r)
            })
        };
    }
    if !with.is_empty() {
        let f = format_ident!("__testrig_partial_{}", with.len(), span = span);
        let amp = by_ref.then(|| quote!(&));
        return quote_spanned!(span=> #amp #path::#f(__r, #(#with),*));
    }
    let p = quote_spanned!(span=> ::testrig::__private);
    // A type-only position: a path naming a plain function is "expected type, found
    // function", not rustc's guess that it is a constant.
    let path = quote_spanned!(span=> <#path as #p::Named>::Me);
    match (is_async, by_ref) {
        (false, false) => quote_spanned!(span=> __r.take::<#path>()),
        (false, true) => quote_spanned!(span=> __r.get::<#path>()),
        (true, false) => quote_spanned!(span=> __r.take_async::<#path>().await),
        (true, true) => quote_spanned!(span=> __r.get_async::<#path>().await),
    }
}
