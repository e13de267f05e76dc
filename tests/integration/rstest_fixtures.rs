//! rstest's fixture spellings, written as rstest's documentation shows them: fixtures that
//! return `impl Trait`, `#[default(Type)]` / `#[partial_N(Type)]`, and calling fixtures from
//! code (`get`, `default`, `partial_N`), async ones included.

use testrig::prelude::*;

#[fixture]
fn i() -> u32 {
    42
}

#[fixture]
fn j() -> i32 {
    -42
}

#[fixture]
fn evens() -> impl Iterator<Item = u32> {
    (0..).step_by(2)
}

#[testrig::test]
fn an_impl_trait_fixture_is_taken_as_impl_trait(mut evens: impl Iterator<Item = u32>) {
    assert_eq!(evens.next(), Some(0));
    assert_eq!(evens.nth(1), Some(4));
}

#[fixture]
#[default(impl Iterator<Item = (u32, i32)>)]
#[partial_1(impl Iterator<Item = (u32, i32)>)]
fn fx(i: u32, j: i32) -> impl Iterator<Item = (u32, i32)> {
    std::iter::once((i, j))
}

#[testrig::test]
fn resolve_by_default(mut fx: impl Iterator<Item = (u32, i32)>) {
    assert_eq!((42, -42), fx.next().unwrap());
}

#[testrig::test]
fn resolve_partial(#[with(7)] mut fx: impl Iterator<Item = (u32, i32)>) {
    assert_eq!((7, -42), fx.next().unwrap());
}

/// A fixture that takes an `impl Trait` fixture the same way a test does.
#[fixture]
fn first_even(mut evens: impl Iterator<Item = u32>) -> u32 {
    evens.next().unwrap()
}

#[testrig::test]
fn a_fixture_takes_an_impl_trait_fixture(first_even: u32) {
    assert_eq!(first_even, 0);
}

/// An `impl Trait` parameter takes an ordinary fixture too.
#[testrig::test]
fn an_impl_trait_parameter_takes_a_concrete_fixture(i: impl Into<u64>) {
    assert_eq!(i.into(), 42);
}

#[fixture]
fn greeter(#[default("hi")] word: &'static str) -> impl Fn(&str) -> String {
    move |who| format!("{word} {who}")
}

#[testrig::test]
fn an_impl_fn_fixture_is_called(greeter: impl Fn(&str) -> String) {
    assert_eq!(greeter("Ann"), "hi Ann");
}

#[testrig::test]
#[tokio::test]
async fn an_async_test_takes_an_impl_trait_fixture(
    mut evens: impl Iterator<Item = u32>,
    greeter: impl Fn(&str) -> String,
) {
    assert_eq!(evens.nth(2), Some(4));
    assert_eq!(greeter("Bo"), "hi Bo");
}

#[test]
fn impl_trait_fixtures_are_called_from_code() {
    assert_eq!(fx::default().collect::<Vec<_>>(), [(42, -42)]);
    assert_eq!(fx::partial_1(3).collect::<Vec<_>>(), [(3, -42)]);
    assert_eq!(fx::get(1, 2).collect::<Vec<_>>(), [(1, 2)]);
    assert_eq!(greeter::default()("Cy"), "hi Cy");
    assert_eq!(greeter::get("yo")("Di"), "yo Di");
}

#[fixture]
async fn slow_base() -> u32 {
    tokio::task::yield_now().await;
    10
}

#[fixture]
async fn slow_sum(slow_base: u32, #[default(5)] step: u32) -> u32 {
    slow_base + step
}

#[tokio::test]
async fn async_fixtures_are_called_from_code_and_awaited() {
    assert_eq!(slow_base::get().await, 10);
    assert_eq!(slow_base::default().await, 10);
    assert_eq!(slow_sum::get(1, 2).await, 3);
    assert_eq!(slow_sum::partial_1(1).await, 6);
    assert_eq!(slow_sum::partial_2(1, 1).await, 2);
    assert_eq!(slow_sum::default().await, 15);
}
