//! Code generation of `#[patchable]`. Input has been checked by `parse.rs`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{
    FnArg, ImplItem, ItemFn, ItemImpl, Lifetime, Pat, ReturnType, Signature, Type, TypeReference,
};

use super::parse::has_inner_lifetime;

/// Seams exist in the user's test builds (`cfg(test)`, evaluated in the crate that uses
/// `#[patchable]`), and in other builds only when testrig's `seams` feature is on: that feature
/// is enabled from a `[dev-dependencies]` entry, which cargo (resolver 2) applies to builds of
/// tests and examples only, never to `cargo build`.
fn split(seam: TokenStream, original: TokenStream, assoc: bool) -> TokenStream {
    let seam_in_tests = with_cfg(seam.clone(), &quote!(test), assoc);
    quote! {
        #seam_in_tests
        #[cfg(not(test))]
        ::testrig::__private::if_seams! { #seam }
        #[cfg(not(test))]
        ::testrig::__private::if_no_seams! { #original }
    }
}

/// `#[patchable]` on one function; `assoc` when it lives in an impl block.
pub(crate) fn expand_fn(item: ItemFn, assoc: bool, always: bool) -> TokenStream {
    let seam = seam_items(&item, assoc);
    if always {
        return seam;
    }
    split(seam, quote!(#item), assoc)
}

/// `#[patchable]` on an inherent impl block: every function in it becomes a seam.
pub(crate) fn expand_impl(item: ItemImpl, always: bool) -> TokenStream {
    let mut body = TokenStream::new();
    for impl_item in &item.items {
        match impl_item {
            ImplItem::Fn(f) => {
                let f = ItemFn {
                    attrs: f.attrs.clone(),
                    vis: f.vis.clone(),
                    sig: f.sig.clone(),
                    block: Box::new(f.block.clone()),
                };
                body.extend(seam_items(&f, true));
            }
            other => body.extend(quote!(#other)),
        }
    }
    let ItemImpl {
        attrs,
        defaultness,
        unsafety,
        impl_token,
        generics,
        self_ty,
        ..
    } = &item;
    let seamed = quote! {
        #(#attrs)* #defaultness #unsafety #impl_token #generics #self_ty { #body }
    };
    if always {
        return seamed;
    }
    split(seamed, quote!(#item), false)
}

/// Puts `#[cfg(..)]` on every item of `tokens` (a sequence of items).
fn with_cfg(tokens: TokenStream, cfg: &TokenStream, assoc: bool) -> TokenStream {
    let items: Vec<TokenStream> = if assoc {
        let parsed: syn::File = syn::parse2(quote!(impl X { #tokens })).expect("generated items");
        match &parsed.items[0] {
            syn::Item::Impl(i) => i.items.iter().map(|i| quote!(#i)).collect(),
            _ => unreachable!(),
        }
    } else {
        let parsed: syn::File = syn::parse2(tokens).expect("generated items");
        parsed.items.iter().map(|i| quote!(#i)).collect()
    };
    quote!(#( #[cfg(#cfg)] #items )*)
}

/// The names of the companion items of one seam.
struct Names {
    slot: TokenStream,
    /// The slot, as companions reach it: for methods, named after the type first.
    named_slot: TokenStream,
    boxed: TokenStream,
    obs_boxed: TokenStream,
    real: TokenStream,
    def_slot: syn::Ident,
    def_box: syn::Ident,
    def_obs_box: syn::Ident,
    def_patch: syn::Ident,
    def_spy: syn::Ident,
    def_count: syn::Ident,
    def_real: syn::Ident,
}

fn names(name: &syn::Ident, assoc: bool) -> Names {
    if assoc {
        let def_slot = format_ident!("__testrig_slot_{name}");
        let def_box = format_ident!("__testrig_box_{name}");
        let def_obs_box = format_ident!("__testrig_obs_box_{name}");
        let def_real = format_ident!("__testrig_real_{name}");
        Names {
            slot: quote!(Self::#def_slot()),
            named_slot: quote!(Self::#def_slot().in_type::<Self>()),
            boxed: quote!(Self::#def_box),
            obs_boxed: quote!(Self::#def_obs_box),
            real: quote!(Self::#def_real),
            def_slot,
            def_box,
            def_obs_box,
            def_patch: format_ident!("__testrig_patch_{name}"),
            def_spy: format_ident!("__testrig_spy_{name}"),
            def_count: format_ident!("__testrig_count_{name}"),
            def_real,
        }
    } else {
        Names {
            slot: quote!(#name::__testrig_slot()),
            named_slot: quote!(#name::__testrig_slot()),
            boxed: quote!(#name::__testrig_box),
            obs_boxed: quote!(#name::__testrig_obs_box),
            real: quote!(#name::real),
            def_slot: format_ident!("__testrig_slot"),
            def_box: format_ident!("__testrig_box"),
            def_obs_box: format_ident!("__testrig_obs_box"),
            def_patch: format_ident!("__testrig_patch"),
            def_spy: format_ident!("__testrig_spy"),
            def_count: format_ident!("__testrig_count"),
            def_real: format_ident!("real"),
        }
    }
}

/// The wrapper that checks the slot, plus the companion items (slot, patch, spy, real).
fn seam_items(item: &ItemFn, assoc: bool) -> TokenStream {
    let sig = &item.sig;
    let name = &sig.ident;
    let vis = &item.vis;
    let n = names(name, assoc);
    let Names {
        slot,
        named_slot,
        boxed,
        obs_boxed,
        real,
        def_slot,
        def_box,
        def_obs_box,
        def_patch,
        def_spy,
        def_count,
        def_real,
    } = &n;

    let self_lt = Lifetime::new("'__testrig_self", Span::call_site());
    // The binder's lifetimes are renamed: the wrapper names the type inside the function,
    // where the function's own lifetimes are in scope and may not be shadowed.
    let own: Vec<syn::Ident> = sig
        .generics
        .lifetimes()
        .map(|l| l.lifetime.ident.clone())
        .collect();
    let rename = |ty: &Type| {
        let mut ty = ty.clone();
        RenameLifetimes(&own).visit_type_mut(&mut ty);
        ty
    };
    let mut lifetimes: Vec<Lifetime> = own
        .iter()
        .map(|l| Lifetime::new(&format!("'__testrig_{l}"), l.span()))
        .collect();
    let mut fn_inputs = Vec::new();
    let mut output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => {
            let ty = rename(ty);
            quote!(#ty)
        }
    };
    let receiver = sig.receiver();
    if let Some(r) = receiver {
        let mut ty = rename(&r.ty);
        if let Type::Reference(TypeReference {
            lifetime: lt @ None,
            ..
        }) = &mut ty
        {
            *lt = Some(self_lt.clone());
            lifetimes.push(self_lt.clone());
            if let ReturnType::Type(_, ret) = &sig.output {
                let mut ret = rename(ret);
                ElidedToSelf(&self_lt).visit_type_mut(&mut ret);
                output = quote!(#ret);
            }
        }
        fn_inputs.push(quote!(#ty));
    }
    let args: Vec<(syn::Ident, &Type)> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => Some(&*t.ty),
            FnArg::Receiver(_) => None,
        })
        .enumerate()
        .map(|(i, ty)| (format_ident!("__testrig_arg{i}"), ty))
        .collect();
    fn_inputs.extend(args.iter().map(|(_, ty)| {
        let ty = rename(ty);
        quote!(#ty)
    }));
    let binder = if lifetimes.is_empty() {
        quote!()
    } else {
        quote!(for<#(#lifetimes),*>)
    };
    let fn_bound = quote!(#binder Fn(#(#fn_inputs),*) -> #output);
    let fn_ty = quote!(dyn #fn_bound + ::core::marker::Send + ::core::marker::Sync);
    // What a spy on an `async fn` installs: it sees the arguments by reference before the real
    // body runs, since it cannot call (and await) the real function itself.
    let obs_bound = quote!(#binder Fn(#(&#fn_inputs),*));
    let obs_ty = quote!(dyn #obs_bound + ::core::marker::Send + ::core::marker::Sync);
    let is_async = sig.asyncness.is_some();

    // The wrapper: same signature, arguments renamed so they can be forwarded.
    let mut wrapper_sig = sig.clone();
    let mut call_args = Vec::new();
    let mut i = 0;
    for input in wrapper_sig.inputs.iter_mut() {
        match input {
            FnArg::Receiver(r) => {
                if r.reference.is_none() {
                    r.mutability = None;
                }
                call_args.push(quote!(self));
            }
            FnArg::Typed(t) => {
                let ident = format_ident!("__testrig_arg{i}");
                i += 1;
                *t.pat = Pat::Verbatim(quote!(#ident));
                t.attrs.clear();
                call_args.push(quote!(#ident));
            }
        }
    }
    let unsafe_call = |call: TokenStream| {
        if sig.unsafety.is_some() {
            quote!(unsafe { #call })
        } else {
            call
        }
    };
    let real_call = unsafe_call(quote!(#real(#(#call_args),*)));
    let real_call = if sig.asyncness.is_some() {
        quote!(#real_call.await)
    } else {
        real_call
    };
    let attrs = &item.attrs;
    let check = if is_async {
        quote! {
            if let ::core::option::Option::Some(__testrig_any) = #slot.get_any() {
                match __testrig_any.downcast::<::std::boxed::Box<#fn_ty>>() {
                    ::core::result::Result::Ok(__testrig_f) => {
                        return (**__testrig_f)(#(#call_args),*);
                    }
                    ::core::result::Result::Err(__testrig_any) => {
                        if let ::core::result::Result::Ok(__testrig_o) =
                            __testrig_any.downcast::<::std::boxed::Box<#obs_ty>>()
                        {
                            (**__testrig_o)(#(&#call_args),*);
                        }
                    }
                }
            }
        }
    } else {
        quote! {
            if let ::core::option::Option::Some(__testrig_f) = #slot.get::<#fn_ty>() {
                return (**__testrig_f)(#(#call_args),*);
            }
        }
    };
    let wrapper = quote! {
        #(#attrs)*
        #vis #wrapper_sig {
            #check
            #real_call
        }
    };

    // The original body, reachable as `name::real` / `Type::__testrig_real_name`.
    let kept: Vec<_> = item
        .attrs
        .iter()
        .filter(|a| {
            [
                "cfg",
                "allow",
                "expect",
                "warn",
                "deny",
                "track_caller",
                "inline",
            ]
            .iter()
            .any(|k| a.path().is_ident(k))
        })
        .collect();
    let mut real_sig: Signature = sig.clone();
    real_sig.ident = def_real.clone();
    let block = &item.block;
    let real_fn = quote! {
        #(#kept)*
        #[doc(hidden)]
        #[allow(dead_code, clippy::all)]
        #vis #real_sig #block
    };

    // The spy: records owned copies of the arguments, then calls the real function.
    let closure_params: Vec<TokenStream> = receiver
        .map(|_| quote!(__testrig_self))
        .into_iter()
        .chain(args.iter().map(|(id, _)| quote!(#id)))
        .collect();
    let mut types = Vec::new();
    let mut values = Vec::new();
    let mut bounds = Vec::new();
    for (id, ty) in &args {
        capture(id, ty, is_async, &mut types, &mut values, &mut bounds);
    }
    let (rec_ty, rec_val) = match types.len() {
        1 => (types[0].clone(), values[0].clone()),
        _ => (quote!((#(#types,)*)), quote!((#(#values,)*))),
    };
    // Sync functions: the spy replaces the function and calls the real one. Async ones: it
    // observes the arguments and the wrapper goes on to the real body.
    let (installed, boxer, then) = if is_async {
        (&obs_ty, obs_boxed, quote!())
    } else {
        (
            &fn_ty,
            boxed,
            unsafe_call(quote!(#real(#(#closure_params),*))),
        )
    };
    let spy = quote! {
        #[doc(hidden)]
        #[track_caller]
        #[allow(dead_code, clippy::all)]
        #vis fn #def_spy() -> ::testrig::patch::Spy<#rec_ty>
        where #(for<'__testrig_w> #bounds,)*
        {
            ::testrig::patch::Spy::__new::<#installed>(#named_slot, |__testrig_rec| {
                #boxer(move |#(#closure_params),*| {
                    __testrig_rec.record(#rec_val);
                    #then
                })
            })
        }
        #[doc(hidden)]
        #[track_caller]
        #[allow(dead_code, clippy::all)]
        #vis fn #def_count() -> ::testrig::patch::Spy<()> {
            ::testrig::patch::Spy::__new::<#installed>(#named_slot, |__testrig_rec| {
                #boxer(move |#(#closure_params),*| {
                    __testrig_rec.record(());
                    #then
                })
            })
        }
    };
    let obs_box = if is_async {
        quote! {
            #[doc(hidden)]
            #[allow(dead_code)]
            #vis fn #def_obs_box(
                f: impl #obs_bound + ::core::marker::Send + ::core::marker::Sync + 'static,
            ) -> ::std::boxed::Box<#obs_ty> {
                ::std::boxed::Box::new(f)
            }
        }
    } else {
        quote!()
    };

    let slot_name = if assoc {
        quote!(::core::stringify!(#name))
    } else {
        quote!(::core::concat!(
            ::core::module_path!(),
            "::",
            ::core::stringify!(#name)
        ))
    };
    let companions = quote! {
        #[doc(hidden)]
        #[inline(always)]
        #[allow(dead_code)]
        #vis fn #def_slot() -> &'static ::testrig::__private::PatchSlot {
            static SLOT: ::testrig::__private::PatchSlot =
                ::testrig::__private::PatchSlot::new(#slot_name);
            &SLOT
        }
        #[doc(hidden)]
        #[allow(dead_code)]
        #vis fn #def_box(
            f: impl #fn_bound + ::core::marker::Send + ::core::marker::Sync + 'static,
        ) -> ::std::boxed::Box<#fn_ty> {
            ::std::boxed::Box::new(f)
        }
        #[doc(hidden)]
        #[track_caller]
        #[allow(dead_code)]
        #vis fn #def_patch(
            f: impl #fn_bound + ::core::marker::Send + ::core::marker::Sync + 'static,
        ) -> ::testrig::patch::PatchGuard {
            #named_slot.patch::<#fn_ty>(#boxed(f))
        }
        #obs_box
        #spy
        #real_fn
    };

    if assoc {
        quote!(#wrapper #companions)
    } else {
        let cfgs: Vec<_> = item
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg"))
            .collect();
        quote! {
            #wrapper
            #(#cfgs)*
            #[doc(hidden)]
            #[allow(non_camel_case_types, dead_code)]
            #vis struct #name {}
            #(#cfgs)*
            impl #name {
                #companions
            }
        }
    }
}

/// How one argument is recorded by a spy: its owned type, the expression that makes it, and
/// the bound that must hold for the spy to exist (checked where `spy!` is written).
fn capture(
    id: &syn::Ident,
    ty: &Type,
    by_ref: bool,
    types: &mut Vec<TokenStream>,
    values: &mut Vec<TokenStream>,
    bounds: &mut Vec<TokenStream>,
) {
    if let Type::Reference(r) = ty
        && !has_inner_lifetime(&r.elem)
    {
        let elem = &r.elem;
        types.push(quote!(<#elem as ::std::borrow::ToOwned>::Owned));
        let deref = if by_ref { quote!(**) } else { quote!(*) };
        values.push(quote!(::std::borrow::ToOwned::to_owned(&#deref #id)));
        bounds.push(quote!(#elem: ::std::borrow::ToOwned));
        bounds.push(quote!(
            <#elem as ::std::borrow::ToOwned>::Owned: ::core::marker::Send + 'static
        ));
    } else if !has_inner_lifetime(ty) {
        types.push(quote!(#ty));
        let arg = if by_ref { quote!(#id) } else { quote!(&#id) };
        values.push(quote!(::core::clone::Clone::clone(#arg)));
        bounds.push(quote!(#ty: ::core::clone::Clone + ::core::marker::Send + 'static));
    } else {
        types.push(quote!(()));
        values.push(quote!(()));
    }
}

/// Gives elided lifetimes of a method's return type the receiver's lifetime, as fn elision
/// does; `Fn(..)` sugar would otherwise reject them.
struct ElidedToSelf<'a>(&'a Lifetime);

impl VisitMut for ElidedToSelf<'_> {
    fn visit_type_reference_mut(&mut self, r: &mut TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.0.clone());
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.0.clone();
        }
    }
}

/// Renames the function's own lifetimes `'a` to `'__testrig_a`.
struct RenameLifetimes<'a>(&'a [syn::Ident]);

impl VisitMut for RenameLifetimes<'_> {
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if self.0.contains(&l.ident) {
            *l = Lifetime::new(&format!("'__testrig_{}", l.ident), l.span());
        }
    }
}
