//! rstest's spellings beyond the common ones: attributes written between cases (for the case
//! they precede) and `#[files]` with `#[base_dir]`, `${VAR}`, `#[dirs]` and `#[exclude]`.

use crate::listing;
use std::path::{Path, PathBuf};
use std::time::Duration;

// rstest's own example: `#[should_panic]` before a case is for that case alone. Case `no_panic`
// would fail under a `#[should_panic]`, and `panic` under the expected text of the third.
#[testrig::test]
#[case::no_panic(0)]
#[should_panic]
#[case::panic(1)]
#[should_panic(expected = "expected")]
#[case::panic_with_message(2)]
fn attribute_per_case(#[case] val: i32) {
    match val {
        0 => {}
        1 => panic!("No catch"),
        2 => panic!("expected"),
        _ => unreachable!(),
    }
}

// The marks after the last case are for every case, the ones before a case for that one; a
// case's own options go with them. Which case is ignored, the listing below checks.
#[testrig::test]
#[ignore = "only the first case is ignored"]
#[case::skipped(0)]
#[case::runs(1)]
#[case::own_option(2, id = "own")]
#[should_panic(expected = "boom")]
fn marks_before_and_after(#[case] n: u32) {
    panic!("boom {n}");
}

// Above the test attribute is still before the first case.
#[should_panic(expected = "first")]
#[testrig::test]
#[case::first(1)]
#[case::second(2)]
fn a_mark_above_the_attribute(#[case] n: u32) {
    assert_eq!(n, 2, "first");
}

// rstest's per-case `#[timeout]`: the middle case alone has a 20ms limit.
#[testrig::test]
#[case::quick(Duration::ZERO)]
#[timeout(Duration::from_millis(20))]
#[should_panic(expected = "timed out after")]
#[case::limited(Duration::from_secs(2))]
#[case::unlimited(Duration::from_millis(50))]
fn timeout_per_case(#[case] nap: Duration) {
    std::thread::sleep(nap);
}

fn file_name(path: &Path) -> &str {
    path.file_name().unwrap().to_str().unwrap()
}

// `#[base_dir]`: the glob and the `#[exclude]` patterns are relative to it.
#[testrig::test]
fn base_dir_holds_the_glob(
    #[base_dir = "tests/data/files"]
    #[files("*.txt")]
    path: PathBuf,
) {
    assert!(path.starts_with(env!("CARGO_MANIFEST_DIR")), "{path:?}");
    assert!(
        ["alpha.txt", "beta.txt"].contains(&file_name(&path)),
        "{path:?}"
    );
}

// `${VAR:-default}` takes the default when `VAR` is unset; `$VAR` and `${VAR}` the value
// (here cargo's, an absolute path: the glob is then absolute).
#[testrig::test]
fn env_vars_in_the_base_dir_and_the_glob(
    #[base_dir = "${TESTRIG_UNSET_IN_TESTS:-tests/data}"]
    #[files("${CARGO_MANIFEST_DIR}/tests/data/files/sub/*.txt")]
    #[files("files/$TESTRIG_UNSET_IN_TESTS/beta.txt")]
    #[ignore_missing_env_vars]
    path: PathBuf,
) {
    assert!(
        ["gamma.txt", "beta.txt"].contains(&file_name(&path)),
        "{path:?}"
    );
}

// rstest's `#[dirs]`: the directories the glob matches are values too.
#[testrig::test]
fn dirs_match_too(
    #[files("tests/data/files/*")]
    #[dirs]
    path: PathBuf,
) {
    assert!(path.exists(), "{path:?}");
}

// `#[exclude]` is a regular expression on the path relative to the base directory, found
// anywhere in it unless anchored: `^sub/` leaves out `sub/gamma.txt`, the second pattern the
// two files at the top; as a plain substring, neither would leave out anything.
#[testrig::test]
fn exclude_is_a_regex(
    #[base_dir = "tests/data/files"]
    #[files("**/*.{txt,md}")]
    #[exclude("^sub/")]
    #[exclude(r"^(alpha|beta)\.txt$")]
    path: PathBuf,
) {
    assert_eq!(file_name(&path), "notes.md");
}

#[test]
fn a_mark_before_a_case_is_for_that_case_alone() {
    let ignored = listing(&["--list", "--ignored", "rstest_extras::"]);
    assert!(
        ignored.contains("rstest_extras::marks_before_and_after::skipped: test"),
        "{ignored}"
    );
    assert_eq!(ignored.matches(": test").count(), 1, "{ignored}");
    let all = listing(&["--list", "rstest_extras::attribute_per_case::"]);
    assert_eq!(all.matches(": test").count(), 3, "{all}");
}

#[test]
fn the_files_extras_take_what_rstest_takes() {
    let list = listing(&["--list", "rstest_extras::"]);
    let names = |test: &str| -> Vec<String> {
        let prefix = format!("rstest_extras::{test}::");
        let mut names: Vec<String> = list
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str())?.strip_suffix(": test"))
            .map(str::to_owned)
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("base_dir_holds_the_glob"), ["alpha_txt", "beta_txt"]);
    assert_eq!(
        names("env_vars_in_the_base_dir_and_the_glob"),
        ["beta_txt", "gamma_txt"]
    );
    assert_eq!(
        names("dirs_match_too"),
        ["alpha_txt", "beta_txt", "notes_md", "sub"]
    );
    assert_eq!(names("exclude_is_a_regex"), ["notes_md"]);
}
