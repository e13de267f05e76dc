//! Every way testrig hands values in: none of them may raise a lint.

use std::path::PathBuf;

use lint_demo::total;
use testrig::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
}

#[fixture]
fn lines() -> Vec<Line> {
    vec![Line { text: "a".to_owned() }]
}

#[fixture]
fn label(#[default(2)] times: usize) -> String {
    "ab".repeat(times)
}

#[fixture]
#[once]
fn table() -> Vec<u32> {
    vec![1, 2, 3]
}

#[testrig::test]
#[case(vec![1, 2], 3)]
#[case(vec![], 0)]
fn by_value(items: Vec<u32>, expected: u32) {
    assert_eq!(total(&items), expected);
}

#[testrig::test]
#[case::one(Line { text: "x".to_owned() }, 1)]
#[case::two(Line { text: "xy".to_owned() }, 2)]
fn markers_after_a_fixture(lines: Vec<Line>, #[case] line: Line, #[case] len: usize) {
    assert_eq!(line.text.len(), len);
    assert_eq!(lines.len(), 1);
}

#[testrig::test]
#[case(1, 2.5, "a", true, 'c')]
#[case(2, -1.0, "b", false, 'd')]
fn scalars(count: u64, ratio: f64, name: &str, flag: bool, letter: char) {
    assert!(count > 0 && ratio.is_finite() && !name.is_empty() && (flag || letter == 'd'));
}

#[testrig::test]
fn matrix(#[values(1, 2, 3)] n: u32, #[values("a", "b")] s: &str) {
    assert!(n > 0 && !s.is_empty());
}

#[testrig::test]
fn fixtures(lines: Vec<Line>, table: &[u32], label: String) {
    assert_eq!(lines.len(), 1);
    assert_eq!(table.len(), 3);
    assert_eq!(label, "abab");
}

#[testrig::test]
fn with_arguments(#[with(3)] label: String) {
    assert_eq!(label, "ababab");
}

#[testrig::test]
#[case(vec![Line { text: "z".to_owned() }])]
fn generic<T: std::fmt::Debug>(#[case] items: Vec<T>) {
    assert_eq!(items.len(), 1);
}

#[testrig::test]
fn files(#[files("data/*.txt")] path: PathBuf) {
    assert!(path.exists());
}

#[testrig::test]
fn file_contents(#[files("data/*.txt")] #[mode = str] text: &str) {
    assert!(!text.is_empty());
}

#[testrig::test]
#[case(1, id = "one")]
#[case(0, id = "zero", should_panic = "zero")]
#[case(5, id = "five", xfail = "five is not handled")]
#[case(7, ignore = "slow")]
fn marks(n: u32) {
    assert!(n != 0, "zero");
    assert!(n != 5, "five");
}

#[testrig::test]
#[case(1)]
#[case(2)]
fn returns_a_result(n: u32) -> Result<(), String> {
    if n > 0 { Ok(()) } else { Err("zero".to_owned()) }
}

#[testrig::test(timeout = "10s")]
#[case(1)]
fn with_options(n: u32) {
    assert_eq!(n, 1);
}

#[testrig::test]
#[fixture_use(lines)]
fn implicit() {}

#[cfg(feature = "body-lint")]
#[testrig::test]
#[case(1.5)]
fn body_lint(x: f64) {
    // `cast_possible_truncation` (pedantic): the user's own code, so it must still fire.
    let n = x as u8;
    assert!(n < 2);
}

#[cfg(feature = "bad-generic")]
#[testrig::test]
#[case(1u8)]
#[case(Default::default())]
fn generic_not_inferred<T: std::fmt::Debug + Default>(#[case] value: T) {
    assert!(format!("{value:?}").len() < 10);
}

#[cfg(feature = "bad-literal")]
pub struct Port(pub u16);

#[cfg(feature = "bad-literal")]
#[testrig::test]
#[case("8080")]
fn literal_not_from_str(#[case] port: Port) {
    assert!(port.0 > 0);
}

#[testrig::test]
#[case::parsed("8080")]
fn literal_parsed(#[case] port: u16, #[context] ctx: TestContext) {
    assert_eq!(port, 8080);
    assert_eq!(ctx.case_id(), Some("parsed"));
}

#[fixture]
fn first_line(lines: Vec<Line>) -> String {
    lines[0].text.clone()
}

#[testrig::test]
fn fixture_taking_a_fixture_by_value(first_line: String) {
    assert_eq!(first_line, "a");
}

#[testrig::test]
#[case::plain(1)]
#[should_panic(expected = "two")]
#[case::marked(2)]
fn a_mark_for_one_case(#[case] n: u32) {
    assert_eq!(n, 1, "two");
}

#[testrig::test]
fn files_below_a_base_dir(
    #[base_dir = "${LINT_DATA_DIR:-data}"]
    #[files("*.txt")]
    #[exclude(r"^t\w+\.txt$")]
    #[dirs]
    path: PathBuf,
) {
    assert!(path.ends_with("one.txt"));
}

struct Store;

#[testrig::patchable]
impl Store {
    fn get(&self) -> String {
        let _ = self;
        "real".to_owned()
    }
}

#[test]
fn a_method_patched_and_spied() {
    let spy = testrig::spy!(Store::get);
    let _guard = testrig::patch!(Store::get, |_s: &Store| "patched".to_owned());
    assert_eq!(Store.get(), "patched");
    assert_eq!(spy.count(), 1);
}
