//! rstest's `#[ignore]` on a parameter: testrig leaves it to the attribute macro below, which
//! fills it (here `#[supplier::test]`, which passes `"supplied"`).

use testrig::prelude::*;

#[fixture]
fn my_fixture() -> i32 {
    "42".parse().unwrap_or_default()
}

#[testrig::test]
#[supplier::test]
fn test_db(my_fixture: i32, #[ignore] pool: String) {
    assert_eq!(42, my_fixture);
    assert_eq!(pool, "supplied");
}

const fn sum(a: i32, b: i32, c: i32) -> i32 {
    a + b + c
}

#[testrig::test]
#[case(1, 2)]
#[case(2, 3)]
#[supplier::test]
fn test_sum(#[case] a: i32, #[case] b: i32, #[values(1, 2)] c: i32, #[ignore] pool: String) {
    assert_eq!(sum(a, b, c), a + b + c);
    assert_eq!(pool, "supplied");
}

#[testrig::test]
#[supplier::test]
fn two_supplied(#[ignore] first: String, #[context] ctx: TestContext, #[ignore] second: String) {
    assert_eq!(first, second);
    assert_eq!(ctx.function(), "two_supplied");
}
