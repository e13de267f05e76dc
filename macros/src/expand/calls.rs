//! rstest's ways of calling a fixture from code (`name::get(..)`, `name::default()`,
//! `name::partial_N(..)`), and the set-up of fixtures that return `impl Trait`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{ReturnType, Type};

use super::fixture::dep;
use crate::item::FnItem as ItemFn;
use crate::parse::{FixtureArgs, Param, Source};

/// The fixture's return type, or `()`.
pub(crate) fn output(func: &ItemFn) -> TokenStream {
    match &func.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => quote!(#ty),
    }
}

/// `-> impl Trait`: the value has no type testrig could name.
pub(crate) fn is_opaque(func: &ItemFn) -> bool {
    matches!(&func.sig.output, ReturnType::Type(_, ty) if matches!(**ty, Type::ImplTrait(_)))
}

/// rstest's `#[default(Type)]` / `#[partial_N(Type)]` on the fixture: the return type of
/// `default()` / `partial_N(..)`, else the fixture's own.
fn returns(func: &ItemFn, args: &FixtureArgs, key: &str) -> TokenStream {
    args.returns
        .iter()
        .find(|(k, _)| k == key)
        .map_or_else(|| output(func), |(_, ty)| quote!(#ty))
}

fn arg_types(func: &ItemFn) -> Vec<&Type> {
    func.sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(t) => Some(&*t.ty),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// One name per fixture argument (`__a0`, `__a1`, ...) for the calls' own parameters.
fn placeholders(params: &[Param]) -> Vec<proc_macro2::Ident> {
    (0..params.len())
        .map(|i| format_ident!("__a{}", i))
        .collect()
}

/// `for<'__t> path: SyncFixture` for each fixture the fixture takes: code that builds it
/// synchronously exists while they are sync (a `for<'__t>` bound that does not hold is no
/// error where it is written, only where it is used).
fn sync_bounds(params: &[Param]) -> TokenStream {
    let p = crate::expand::Private;
    let paths = params.iter().filter_map(|d| match &d.source {
        Source::Fixture { path, .. } if !d.opaque => Some(path),
        _ => None,
    });
    quote!(where #(for<'__t> #paths: #p::SyncFixture,)*)
}

pub(crate) fn partials(func: &ItemFn, args: &FixtureArgs, params: &[Param]) -> TokenStream {
    // A parametrized fixture's first parameter is its value, which only a test can choose.
    if args.params.values.is_some() {
        return TokenStream::new();
    }
    if args.session {
        return session(func);
    }
    if func.sig.asyncness.is_some() {
        return async_calls(func, args, params);
    }
    let name = &func.sig.ident;
    let vis = &func.vis;
    let p = crate::expand::Private;
    let (types, all) = (arg_types(func), placeholders(params));
    let fns = (1..=params.len()).map(|n| {
        let f = format_ident!("__testrig_partial_{}", n);
        let public = format_ident!("partial_{}", n);
        let ret = returns(func, args, &public.to_string());
        let ret_r = no_capture(&ret, func, args, &public.to_string());
        let (given, tys) = (&all[..n], &types[..n]);
        let rest = params[n..].iter().map(|d| dep(d, false));
        quote! {
            // rstest's `#[with(a, b)]` at a use site: the first parameters given.
            #[doc(hidden)]
            #[allow(
                clippy::too_many_arguments,
                clippy::needless_pass_by_value,
                clippy::missing_const_for_fn
            )]
            #vis fn #f(__r: &#p::Resolver, #(#given: #tys),*) -> #ret_r {
                let _ = __r;
                #name(#(#given,)* #(#rest),*)
            }
            /// Builds the fixture with its first arguments given.
            #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
            #vis fn #public(#(#given: #tys),*) -> #ret {
                let __s = #p::Standalone::new();
                let __v = Self::#f(__s.resolver(), #(#given),*);
                __s.finish();
                __v
            }
        }
    });
    let out = output(func);
    let default = returns(func, args, "default");
    let deps: Vec<_> = params.iter().map(|d| dep(d, false)).collect();
    let bounds = sync_bounds(params);
    quote! {
        #[allow(non_camel_case_types)]
        impl #name #bounds {
            #(#fns)*
            /// Calls the fixture with every argument given.
            #[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
            #vis fn get(#(#all: #types),*) -> #out {
                #name(#(#all),*)
            }
            /// Builds the fixture as a test would: defaults and fixtures for its arguments.
            #[allow(clippy::should_implement_trait)]
            #vis fn default() -> #default {
                let __s = #p::Standalone::new();
                let __r = __s.resolver();
                let __v = #name(#(#deps),*);
                __s.finish();
                __v
            }
        }
    }
}

/// `Type + use<>` for a generated function that takes the resolver and returns `impl Trait`:
/// the value borrows nothing from the resolver, which the new opaque type would otherwise
/// capture.
fn no_capture(ret: &TokenStream, func: &ItemFn, args: &FixtureArgs, key: &str) -> TokenStream {
    let opaque = match args.returns.iter().find(|(k, _)| k == key) {
        Some((_, ty)) => matches!(ty, Type::ImplTrait(_)),
        None => is_opaque(func),
    };
    if opaque {
        quote!(#ret + use<>)
    } else {
        ret.clone()
    }
}

/// rstest's calls on an `async fn` fixture return the future to await.
fn async_calls(func: &ItemFn, args: &FixtureArgs, params: &[Param]) -> TokenStream {
    let name = &func.sig.ident;
    let vis = &func.vis;
    let p = crate::expand::Private;
    let (types, all) = (arg_types(func), placeholders(params));
    let fns = (1..=params.len()).map(|n| {
        let public = format_ident!("partial_{}", n);
        let ret = returns(func, args, &public.to_string());
        let (given, tys) = (&all[..n], &types[..n]);
        let rest = params[n..].iter().map(|d| dep(d, true));
        quote! {
            /// Builds the fixture with its first arguments given.
            #[allow(
                clippy::too_many_arguments,
                clippy::needless_pass_by_value,
                clippy::future_not_send
            )]
            #vis async fn #public(#(#given: #tys),*) -> #ret {
                let __s = #p::Standalone::new();
                let __r = __s.resolver();
                let __v = #name(#(#given,)* #(#rest),*).await;
                __s.finish();
                __v
            }
        }
    });
    let out = output(func);
    let default = returns(func, args, "default");
    let deps = params.iter().map(|d| dep(d, true));
    quote! {
        #[allow(non_camel_case_types)]
        impl #name {
            #(#fns)*
            /// Calls the fixture with every argument given.
            #[allow(
                clippy::too_many_arguments,
                clippy::needless_pass_by_value,
                clippy::future_not_send
            )]
            #vis async fn get(#(#all: #types),*) -> #out {
                #name(#(#all),*).await
            }
            /// Builds the fixture as a test would: defaults and fixtures for its arguments.
            // The resolver is not `Sync`, so a future holding it across an await is not `Send`.
            #[allow(clippy::should_implement_trait, clippy::future_not_send)]
            #vis async fn default() -> #default {
                let __s = #p::Standalone::new();
                let __r = __s.resolver();
                let __v = #name(#(#deps),*).await;
                __s.finish();
                __v
            }
        }
    }
}

/// A session (`#[once]`) fixture: `get` and `default` exist so that calling them says why
/// there is nothing to call, at the call.
fn session(func: &ItemFn) -> TokenStream {
    let name = &func.sig.ident;
    let vis = &func.vis;
    let p = crate::expand::Private;
    let out = output(func);
    let types = arg_types(func);
    let all = (0..types.len()).map(|i| format_ident!("_a{}", i));
    quote! {
        #[allow(non_camel_case_types)]
        impl #name where for<'__t> #name: #p::SessionCall {
            /// Not available: a session fixture is taken as `&T` by a test.
            #[allow(
                clippy::too_many_arguments,
                clippy::needless_pass_by_value,
                clippy::missing_const_for_fn
            )]
            #vis fn get(#(#all: #types),*) -> &'static #out {
                ::core::unreachable!()
            }
            /// Not available: a session fixture is taken as `&T` by a test.
            #[allow(clippy::should_implement_trait, clippy::missing_const_for_fn)]
            #vis fn default() -> &'static #out {
                ::core::unreachable!()
            }
        }
    }
}

/// The trait impls of a fixture returning `impl Trait`: the set-up functions that a
/// parameter written `impl Trait` calls, and fixture traits whose every use is an error
/// naming the one form that works.
pub(crate) fn opaque(func: &ItemFn, args: &FixtureArgs, params: &[Param]) -> TokenStream {
    let name = &func.sig.ident;
    let vis = &func.vis;
    let p = crate::expand::Private;
    let ret = returns(func, args, "default");
    let ret = no_capture(&ret, func, args, "default");
    let sync_deps = params.iter().map(|d| dep(d, false));
    let async_deps = params.iter().map(|d| dep(d, true));
    let bounds = sync_bounds(params);
    let never = quote!(where for<'__t> #name: #p::ReturnsImplTrait);
    quote! {
        impl #p::FunctionScope for #name {}
        impl #p::SyncFixture for #name #never {
            fn build(_: &#p::Resolver) -> #p::Held<#p::ImplTrait> {
                ::core::unreachable!()
            }
        }
        impl #p::AsyncFixture for #name #never {
            fn build_async(_: &#p::Resolver) -> #p::BoxFuture<'_, #p::Held<#p::ImplTrait>> {
                ::core::unreachable!()
            }
        }
        #[allow(non_camel_case_types)]
        impl #name #bounds {
            #[doc(hidden)]
            #[track_caller]
            #vis fn __testrig_take(__r: &#p::Resolver) -> #ret {
                __r.take_opaque::<Self, _>(|__r| #name(#(#sync_deps),*))
            }
        }
        #[allow(non_camel_case_types)]
        impl #name {
            #[doc(hidden)]
            #[track_caller]
            #[allow(clippy::future_not_send)]
            #vis fn __testrig_take_async(
                __r: &#p::Resolver,
            ) -> impl ::core::future::Future<Output = #ret> + '_ {
                __r.take_opaque_async::<Self, _>(#p::boxed(async move {
                    #name(#(#async_deps),*)
                }))
            }
        }
    }
}
