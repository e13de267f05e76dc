//! rstest's old compact syntax, written as rstest's documentation shows it after the
//! migration's `sed` line (`#[rstest(` -> `#[testrig::test(`).

use testrig::prelude::*;

fn fibonacci(input: u32) -> u32 {
    match input {
        0 => 0,
        1 => 1,
        n => fibonacci(n - 2) + fibonacci(n - 1),
    }
}

#[testrig::test(input, expected,
    case::zero_base_case(0, 0),
    case::one_base_case(1, 1),
    case(2, 1),
    case(3, 2),
    #[should_panic]
    case(4, 42)
)]
fn fibonacci_test(input: u32, expected: u32) {
    assert_eq!(expected, fibonacci(input));
}

/// rstest binds case values to the names in the order they are listed.
#[testrig::test(expected, input, case(1, 2), case(2, 3))]
fn listed_order_wins(input: u32, expected: u32) {
    assert_eq!(fibonacci(input), expected);
}

fn is_valid(input: &str) -> bool {
    !input.is_empty()
}

#[testrig::test(
    input => ["John", "alice", "My_Name", "Zigy_2001"]
)]
fn should_be_valid(input: &str) {
    assert!(is_valid(input));
}

struct User(String, u8);

impl User {
    fn name(&self) -> &str {
        &self.0
    }
}

#[fixture]
fn user(#[default("Alice")] name: &'static str, #[default(22)] age: u8) -> User {
    User(name.to_owned(), age)
}

#[testrig::test(user("Bob"))]
fn check_user(user: User) {
    assert_eq!("Bob", user.name());
    assert_eq!(user.1, 22);
}

#[fixture]
fn long_and_boring_descriptive_name() -> i32 {
    42
}

#[testrig::test(long_and_boring_descriptive_name as short)]
fn the_test(short: i32) {
    assert_eq!(42, short);
}

#[testrig::test(user("Eve", 30) as u, ::trace::notrace(u))]
fn renamed_with_arguments(u: User) {
    assert_eq!((u.name(), u.1), ("Eve", 30));
}

#[fixture]
fn base() -> i32 {
    1
}

#[fixture]
fn first(base: i32) -> i32 {
    base
}

#[fixture]
fn second(base: i32) -> i32 {
    2 * base
}

#[fixture(second(-3))]
fn injected(first: i32, second: i32) -> i32 {
    first * second
}

#[testrig::test]
fn partial_injection(injected: i32) {
    assert_eq!(-6, injected);
}

#[fixture(twenty_one = 21, two = 2)]
fn product(twenty_one: i32, two: i32) -> i32 {
    twenty_one * two
}

#[testrig::test]
fn fixture_defaults(product: i32) {
    assert_eq!(42, product);
}

#[fixture]
fn i() -> u32 {
    42
}

#[fixture]
fn j() -> i32 {
    -42
}

#[fixture(::default<impl Iterator<Item = (u32, i32)>>::partial_1<impl Iterator<Item = (u32, i32)>>)]
fn fx(i: u32, j: i32) -> impl Iterator<Item = (u32, i32)> {
    std::iter::once((i, j))
}

#[testrig::test]
fn default_type_injection(mut fx: impl Iterator<Item = (u32, i32)>) {
    assert_eq!((42, -42), fx.next().unwrap());
}

#[testrig::test(fx(7))]
fn partial_type_injection(mut fx: impl Iterator<Item = (u32, i32)>) {
    assert_eq!((7, -42), fx.next().unwrap());
}

/// Options keep their meaning next to compact arguments.
#[testrig::test(serial = "compact", timeout = "5s", n, case(1), case(2), m => [10, 20])]
fn options_and_compact_arguments(n: u32, m: u32) {
    assert!(n < m);
}

#[test]
fn compact_tests_are_named_as_attribute_form_tests() {
    let list = crate::listing(&["--list", "rstest_compact::"]);
    for want in [
        "fibonacci_test::zero_base_case",
        "fibonacci_test::case_3",
        "fibonacci_test::case_5",
        "should_be_valid::input_john",
        "should_be_valid::input_zigy_2001",
        "options_and_compact_arguments::case_2::m_20",
        "listed_order_wins::case_2",
    ] {
        assert!(
            list.contains(&format!("rstest_compact::{want}: test")),
            "{want} in\n{list}"
        );
    }
}
