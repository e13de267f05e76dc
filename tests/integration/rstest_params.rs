//! rstest's parameter spellings beyond those of `rstest_forms`: `#[context]`, string literals
//! parsed with `FromStr`, doc comments on `#[values]` entries and destructuring patterns.
//! Written as rstest's documentation writes them; only the import and the test attribute
//! differ.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use testrig::prelude::*;

use super::common::{in_helper, run_helper};

#[testrig::test]
#[case::a_description(42)]
fn my_test(#[context] ctx: TestContext, #[case] _c: u32) {
    assert_eq!("my_test", ctx.function());
    assert_eq!(Some("a_description"), ctx.case_id());
    assert_eq!(Some(0), ctx.case_index());
    assert!(ctx.module().ends_with("rstest_params"));

    std::thread::sleep(Duration::from_millis(100));
    assert!(ctx.started().elapsed() >= Duration::from_millis(100));
}

#[testrig::test]
fn without_case(#[context] ctx: TestContext) {
    assert_eq!("without_case", ctx.function());
    assert_eq!(None, ctx.case_id());
    assert_eq!(None, ctx.case_index());
}

#[testrig::test]
#[case(1)]
#[case(2)]
#[case(3)]
fn counts_its_cases(#[case] n: usize, #[context] ctx: &TestContext) {
    assert_eq!(ctx.case_index(), Some(n - 1));
    assert_eq!(ctx, &TestContext::current().unwrap());
}

#[testrig::test]
#[case(10)]
#[case(20)]
fn context_with_values(#[case] base: u32, #[values(1, 2)] n: u32, #[context] ctx: TestContext) {
    assert_eq!(
        ctx.case_index(),
        Some(usize::try_from(base / 10 - 1).unwrap())
    );
    assert!(ctx.name().ends_with(&format!("n_{n}")), "{}", ctx.name());
}

#[testrig::test]
fn context_without_cases_in_a_matrix(#[values(1, 2)] _n: u32, #[context] ctx: TestContext) {
    assert_eq!(ctx.case_index(), None);
}

#[fixture]
fn base() -> u32 {
    10
}

#[testrig::test]
fn context_beside_a_fixture(base: u32, #[context] ctx: TestContext) {
    assert_eq!(base, 10);
    assert_eq!(ctx.function(), "context_beside_a_fixture");
}

#[testrig::test]
#[tokio::test]
async fn context_in_an_async_test(#[context] ctx: TestContext) {
    tokio::task::yield_now().await;
    assert_eq!(ctx.function(), "context_in_an_async_test");
    assert_eq!(TestContext::current(), Some(ctx));
}

#[testrig::test]
#[case("1.2.3.4:8080", 8080)]
#[case("127.0.0.1:9000", 9000)]
fn check_port(#[case] addr: SocketAddr, #[case] expected: u16) {
    assert_eq!(expected, addr.port());
}

#[testrig::test]
#[case("resources/empty", 0)]
#[case("resources/divine_comedy", 101)]
fn test_count_words(#[case] path: PathBuf, #[case] expected: usize) {
    assert!(path.starts_with("resources"));
    assert_eq!(path.ends_with("empty"), expected == 0);
}

#[testrig::test]
#[case("3", 3)]
#[case("40", 40)]
fn numbers_parse(#[case] n: u32, #[case] expected: u32) {
    assert_eq!(n, expected);
}

#[testrig::test]
#[case("as is")]
fn str_stays_a_str(#[case] s: &str) {
    assert_eq!(s, "as is");
}

#[testrig::test]
fn values_parse_too(#[values("1", "22", "333")] n: u32, #[values("x", "yy")] s: &str) {
    assert!([1, 22, 333].contains(&n));
    assert!(["x", "yy"].contains(&s));
}

#[fixture]
fn db_connection(#[default("127.0.0.1:9000")] addr: SocketAddr) -> SocketAddr {
    addr
}

#[testrig::test]
fn default_parses(db_connection: SocketAddr) {
    assert_eq!(db_connection.port(), 9000);
}

#[testrig::test]
#[should_panic(
    expected = "the string literal \"x3\" is not a `u32`: invalid digit found in string"
)]
#[case("x3")]
fn a_bad_literal_fails_its_case(#[case] _n: u32) {}

/// Accepted everywhere, refused in helper runs: shows the report of a failed conversion.
#[derive(Debug)]
struct Strict(u32);

impl FromStr for Strict {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if in_helper() {
            return Err("refused in this run".to_owned());
        }
        s.parse().map(Strict).map_err(|e| format!("{e}"))
    }
}

#[testrig::test]
#[case::seven("7")]
fn helper_strict(#[case] n: Strict) {
    assert_eq!(n.0, 7);
}

#[test]
fn a_failed_conversion_reports_the_literal_the_type_and_the_error() {
    let (output, text) = run_helper("rstest_params::helper_strict::seven");
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("the string literal \"7\" is not a `")
            && text.contains("Strict`: refused in this run"),
        "{text}"
    );
    assert!(
        text.contains("testrig: case `seven` of `helper_strict`"),
        "{text}"
    );
    assert!(text.contains("\n    n = \"7\""), "{text}");
}

#[testrig::test]
fn describe_values(
    #[values(
        /// short_value
        42,
        /// long_value
        100,
    )]
    value: u32,
) {
    assert!(value > 0);
}

/// The doc comment on a test with cases stays the function's documentation.
#[testrig::test]
/// Said between the cases.
#[case(1)]
#[case(2)]
fn doc_comments_around_cases(#[case] n: u32) {
    assert!(n > 0);
}

#[test]
fn doc_comments_name_the_values_tests() {
    let list = crate::listing(&["--list", "rstest_params::"]);
    for want in [
        "rstest_params::describe_values::value_short_value: test",
        "rstest_params::describe_values::value_long_value: test",
        "rstest_params::doc_comments_around_cases::case_2: test",
        "rstest_params::values_parse_too::n_22__s_yy: test",
    ] {
        assert!(list.contains(want), "missing {want} in\n{list}");
    }
}

struct T {
    a: u32,
    b: u32,
}

impl T {
    const fn new(a: u32, b: u32) -> Self {
        Self { a, b }
    }
}

struct S(u32, u32);

#[fixture]
fn fix() -> T {
    T::new(1, 42)
}

#[fixture]
fn named() -> S {
    S(1, 42)
}

#[fixture]
fn tuple() -> (u32, u32) {
    (1, 42)
}

#[fixture]
fn swap(#[from(fix)] T { a, b }: T) -> T {
    T::new(b, a)
}

#[testrig::test]
fn swapped(#[from(swap)] T { a, b }: T) {
    assert_eq!(a, 42);
    assert_eq!(b, 1);
}

#[testrig::test]
#[case::two_times_twenty_one(T::new(2, 21))]
#[case::six_times_seven(T{ a: 6, b: 7 })]
fn cases_destruct(
    #[from(fix)] T { a, b }: T,
    #[case] T { a: c, b: d }: T,
    #[values(T::new(42, 1), T{ a: 3, b: 14})] T { a: e, b: f }: T,
) {
    assert_eq!(a * b, 42);
    assert_eq!(c * d, 42);
    assert_eq!(e * f, 42);
}

#[testrig::test]
#[case::two_times_twenty_one(S(2, 21))]
#[case::six_times_seven(S(6, 7))]
fn cases_destruct_named_tuple(
    #[from(named)] S(a, b): S,
    #[case] S(c, d): S,
    #[values(S(42, 1), S(3, 14))] S(e, f): S,
) {
    assert_eq!(a * b, 42);
    assert_eq!(c * d, 42);
    assert_eq!(e * f, 42);
}

#[testrig::test]
#[case::two_times_twenty_one((2, 21))]
#[case::six_times_seven((6, 7))]
fn cases_destruct_tuple(
    #[from(tuple)] (a, b): (u32, u32),
    #[case] (c, d): (u32, u32),
    #[values((42, 1), (3, 14))] (e, f): (u32, u32),
) {
    assert_eq!(a * b, 42);
    assert_eq!(c * d, 42);
    assert_eq!(e * f, 42);
}

#[testrig::test]
#[case::pair((2, 21))]
fn helper_destructured(#[case] (c, d): (u32, u32)) {
    assert!(!in_helper(), "{c} * {d} fails in helper runs");
}

#[test]
fn a_failing_case_reports_the_pattern_as_written() {
    let (output, text) = run_helper("rstest_params::helper_destructured::pair");
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("2 * 21 fails in helper runs"), "{text}");
    assert!(text.contains("\n    (c, d) = (2, 21)"), "{text}");
}

#[fixture]
fn test_label(#[context] ctx: &TestContext) -> String {
    format!("{}#{:?}", ctx.function(), ctx.case_index())
}

#[testrig::test]
#[case(1)]
#[case(2)]
fn a_fixture_sees_the_context_of_its_test(#[case] n: usize, test_label: String) {
    assert_eq!(
        test_label,
        format!("a_fixture_sees_the_context_of_its_test#Some({})", n - 1)
    );
}
