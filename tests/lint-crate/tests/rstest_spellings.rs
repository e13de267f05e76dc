//! rstest's older spellings: `impl Trait` fixtures, `#[partial_N(Type)]`, calls from code on
//! async fixtures, the compact syntax. None of them may raise a lint.

use testrig::prelude::*;

fn two() -> u32 {
    u32::try_from(vec![0_u8; 2].len()).unwrap_or_default()
}

#[fixture]
fn base() -> u32 {
    two()
}

#[fixture]
#[default(impl Iterator<Item = u32>)]
#[partial_1(impl Iterator<Item = u32>)]
fn counted(base: u32) -> impl Iterator<Item = u32> {
    0..base
}

#[testrig::test]
fn impl_trait(counted: impl Iterator<Item = u32>) {
    assert_eq!(counted.count(), 2);
}

#[testrig::test]
fn impl_trait_with_arguments(#[with(4)] mut counted: impl Iterator<Item = u32>) {
    assert_eq!(counted.nth(3), Some(3));
}

#[fixture]
fn total(counted: impl Iterator<Item = u32>) -> u32 {
    counted.sum()
}

#[testrig::test]
fn through_a_fixture(total: u32) {
    assert_eq!(total, 1);
}

#[test]
fn from_code() {
    assert_eq!(counted::default().count(), 2);
    assert_eq!(counted::partial_1(3).count(), 3);
    assert_eq!(counted::get(1).count(), 1);
}

#[fixture]
async fn later(base: u32) -> u32 {
    std::future::ready(base + two()).await
}

#[test]
fn async_calls_from_code_are_futures() {
    let futures = (later::get(1), later::partial_1(1), later::default());
    assert!(std::mem::size_of_val(&futures) > 0);
}

#[fixture]
fn scaled(base: u32, #[default(1)] by: u32) -> u32 {
    base * by * two() / 2
}

#[fixture(scaled(5))]
fn compact_fixture(scaled: u32) -> u32 {
    scaled * two() / 2
}

#[fixture(size = 3)]
fn sized(size: usize) -> Vec<u8> {
    vec![0; size]
}

#[testrig::test(n, expected, case(1, 2), case::two(2, 3), m => [10, 20], ::trace)]
fn compact(n: u32, expected: u32, m: u32, compact_fixture: u32, sized: Vec<u8>) {
    assert_eq!(n + 1, expected);
    assert!(m > n);
    assert_eq!(compact_fixture, 5);
    assert_eq!(sized.len(), 3);
}

#[testrig::test(serial = "lint", base as b)]
fn compact_with_options(b: u32) {
    assert_eq!(b, 2);
}
