//! rstest's spellings with rstest's meaning. Everything here is written as an rstest suite
//! writes it; only the import and the test attribute differ (`use testrig::prelude::*;`,
//! `#[testrig::test]`), which is what moving a suite over changes.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use testrig::prelude::*;

#[fixture]
fn base() -> u32 {
    10
}

#[fixture]
fn greeting(#[default("hello")] word: &'static str, #[default(1)] times: usize) -> String {
    word.repeat(times)
}

static CORPUS_BUILDS: AtomicUsize = AtomicUsize::new(0);

#[fixture]
#[once]
fn corpus() -> Vec<String> {
    CORPUS_BUILDS.fetch_add(1, Ordering::SeqCst);
    vec!["a".to_owned(), "b".to_owned()]
}

#[testrig::test]
#[case::left(9, 10)]
#[case::right(19, 20)]
fn named_cases(#[case] n: u32, #[case] expected: u32) {
    assert_eq!(n + 1, expected);
}

#[testrig::test]
#[case::spacers(1)]
#[case::spacers(2)]
#[case::other(3)]
#[case::spacers(4)]
fn repeated_names(#[case] n: u32) {
    assert!(n > 0);
}

#[testrig::test]
#[case(1, 11)]
#[case(5, 15)]
fn a_fixture_before_the_case_values(base: u32, #[case] n: u32, #[case] expected: u32) {
    assert_eq!(base + n, expected);
}

#[testrig::test]
#[case(vec![1, 2], 3)]
fn markers_between_fixtures(#[case] items: Vec<u8>, base: u32, #[case] sum: u8) {
    assert_eq!(items.iter().sum::<u8>(), sum);
    assert_eq!(base, 10);
}

#[testrig::test]
fn values_matrix(#[values(1, 2, 3)] n: u32, #[values("x", "yy")] s: &str) {
    assert!(n > 0 && !s.is_empty());
}

#[testrig::test]
fn from_names_the_fixture(#[from(base)] b: u32) {
    assert_eq!(b, 10);
}

#[testrig::test]
fn default_arguments(greeting: String) {
    assert_eq!(greeting, "hello");
}

#[testrig::test]
fn with_all_arguments(#[with("ab", 2)] greeting: String) {
    assert_eq!(greeting, "abab");
}

#[testrig::test]
fn with_the_first_argument(#[with("x")] greeting: String) {
    assert_eq!(greeting, "x");
}

#[testrig::test]
#[case::twice(2, "hihi")]
fn with_beside_cases(#[case] n: usize, #[with("hi", 2)] greeting: String, #[case] expected: &str) {
    assert_eq!(greeting, expected);
    assert_eq!(n, 2);
}

#[testrig::test]
fn once_is_shared_a(corpus: &[String]) {
    assert_eq!(corpus.len(), 2);
    assert_eq!(CORPUS_BUILDS.load(Ordering::SeqCst), 1);
}

#[testrig::test]
fn once_is_shared_b(corpus: &[String]) {
    assert_eq!(corpus[0], "a");
    assert_eq!(CORPUS_BUILDS.load(Ordering::SeqCst), 1);
}

#[testrig::test]
fn files_as_paths(#[files("tests/data/files/**/*.txt")] path: PathBuf) {
    let text = std::fs::read_to_string(&path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(text.starts_with(name), "{text}");
}

#[testrig::test]
fn files_as_contents(
    #[files("tests/data/files/*.txt")]
    #[mode = str]
    contents: &str,
) {
    assert!(contents.contains(".txt: "), "{contents}");
}

#[testrig::test]
fn files_with_dot_files(
    #[files("tests/data/files/*.txt")]
    #[include_dot_files]
    #[exclude("beta")]
    #[mode = bytes]
    contents: &[u8],
) {
    assert!(!contents.is_empty());
}

#[testrig::test]
#[case::one(1)]
#[case::two(2)]
#[should_panic(expected = "boom")]
fn should_panic_after_the_cases(#[case] n: u32) {
    panic!("boom {n}");
}

#[testrig::test]
#[timeout(Duration::from_millis(30))]
#[should_panic(expected = "timed out after")]
fn timeout_is_a_limit() {
    std::thread::sleep(Duration::from_secs(2));
}

#[testrig::test]
#[timeout(Duration::from_secs(5))]
#[case(1)]
fn timeout_with_cases(#[case] n: u32) {
    assert_eq!(n, 1);
}

fn make() -> u32 {
    7
}

#[testrig::test]
#[case(make(), id = "make")]
#[case::base(make())]
fn a_case_id_does_not_hide_a_user_name(#[case] n: u32) {
    assert_eq!(n, 7);
}

#[testrig::test]
#[case(1u8, 1u8)]
#[case("a", "a")]
#[case(vec![1, 2], vec![1, 2])]
fn generic_cases<T: PartialEq + std::fmt::Debug>(#[case] a: T, #[case] b: T) {
    assert_eq!(a, b);
}

#[testrig::test]
#[case([1, 2, 3], 6)]
#[case([4; 5], 20)]
fn const_generic_cases<const N: usize>(#[case] xs: [u32; N], #[case] sum: u32) {
    assert_eq!(xs.iter().sum::<u32>(), sum);
}

#[testrig::test]
#[case("ab", "b")]
fn lifetime_cases<'a>(#[case] s: &'a str, #[case] suffix: &'a str) {
    let tail: &'a str = &s[s.len() - suffix.len()..];
    assert_eq!(tail, suffix);
}

#[testrig::test]
#[case(1)]
#[case(2)]
#[case(3)]
#[case(4)]
#[case(5)]
#[case(6)]
#[case(7)]
#[case(8)]
#[case(9)]
#[case(10)]
#[case(11)]
#[case(12)]
fn padded(#[case] n: u32) {
    assert!(n <= 12);
}

fn list() -> String {
    crate::listing(&["--list", "rstest_forms::"])
}

#[test]
fn the_listing_shows_rstest_names_padded_and_in_order() {
    let list = list();
    let names: Vec<&str> = list
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .filter_map(|l| l.strip_prefix("rstest_forms::"))
        .collect();
    for want in [
        "named_cases::left",
        "named_cases::right",
        "repeated_names::spacers_1",
        "repeated_names::spacers_2",
        "repeated_names::spacers_3",
        "repeated_names::other",
        "a_fixture_before_the_case_values::case_1",
        "values_matrix::n_1__s_x",
        "files_as_paths::alpha_txt",
        "files_as_paths::beta_txt",
        "files_as_paths::sub_gamma_txt",
        "files_as_contents::alpha_txt",
        "files_with_dot_files::alpha_txt",
        "files_with_dot_files::hidden_txt",
        "a_case_id_does_not_hide_a_user_name::make",
        "a_case_id_does_not_hide_a_user_name::base",
        "generic_cases::case_3",
    ] {
        assert!(names.contains(&want), "missing {want} in\n{list}");
    }
    for absent in [
        "files_as_contents::sub_gamma_txt",
        "files_with_dot_files::beta_txt",
    ] {
        assert!(!names.contains(&absent), "{absent} in\n{list}");
    }
    assert!(!list.contains("notes_md"), "{list}");
    let padded: Vec<&str> = names
        .iter()
        .filter_map(|n| n.strip_prefix("padded::"))
        .collect();
    let expected: Vec<String> = (1..=12).map(|i| format!("case_{i:02}")).collect();
    assert_eq!(padded, expected, "listed in declaration order");
}

#[fixture]
async fn answer() -> u32 {
    42
}

#[testrig::test]
#[case(2, async { 4 })]
#[tokio::test]
async fn future_values(
    #[case] a: u32,
    #[case]
    #[future]
    result: u32,
    #[future] answer: u32,
) {
    assert_eq!(2 * a, result.await);
    assert_eq!(answer.await, 42);
}

#[testrig::test]
#[case(async { 4 })]
#[awt]
#[test_attr(tokio::test)]
async fn awaited_values(
    #[case]
    #[future]
    result: u32,
    #[future(awt)] answer: u32,
) {
    assert_eq!(result, 4);
    assert_eq!(answer, 42);
}

#[testrig::test]
#[case(vec![1, 2], 3)]
#[trace]
fn lent_values(
    #[case]
    #[by_ref]
    items: &[u8],
    #[case]
    #[notrace]
    sum: u8,
) {
    assert_eq!(items.iter().sum::<u8>(), sum);
}

#[test]
fn a_fixture_is_called_from_code_as_in_rstest() {
    assert_eq!(greeting::default(), "hello");
    assert_eq!(greeting::partial_1("yo"), "yo");
    assert_eq!(greeting::get("ab", 3), "ababab");
}

#[test]
fn a_fixture_without_arguments_has_default_and_get() {
    assert_eq!(base::default(), 10);
    assert_eq!(base::get(), 10);
}

#[testrig::test]
#[case::small(1)]
#[case::large(5)]
fn cases_times_values(#[values(10, 20)] m: u32, #[case] n: u32) {
    assert!(n < m);
}

#[test]
fn cases_times_values_are_listed_per_case() {
    let list = list();
    for want in [
        "cases_times_values::small::m_10",
        "cases_times_values::small::m_20",
        "cases_times_values::large::m_20",
    ] {
        assert!(
            list.contains(&format!("rstest_forms::{want}: test")),
            "{want} in\n{list}"
        );
    }
}
