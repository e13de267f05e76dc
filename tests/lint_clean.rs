//! testrig's expansions raise no clippy lint, pedantic and nursery included, about how values
//! are handed in, checked on a real user crate (`tests/lint-crate`); lints about the user's
//! own code still fire.

use std::path::Path;
use std::process::Command;

/// `cargo <command>` on the lint crate, in a target dir of its own: the nested cargo never
/// waits for the one running this test.
fn lint_crate(command: &[&str]) -> Command {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(command)
        .arg("--manifest-path")
        .arg(root.join("tests/lint-crate/Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-demo"),
        )
        .env_remove("RUSTFLAGS");
    cargo
}

fn clippy(features: &[&str]) -> (bool, String) {
    let out = lint_crate(&["clippy", "--tests", "--quiet"])
        .args(features)
        .args([
            "--",
            "-D",
            "warnings",
            "-D",
            "clippy::pedantic",
            "-D",
            "clippy::nursery",
        ])
        .output()
        .expect("cargo runs");
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), text)
}

#[test]
fn cases_and_fixtures_raise_no_pedantic_or_nursery_lint() {
    let (ok, text) = clippy(&[]);
    assert!(ok, "clippy found lints in testrig's expansion:\n{text}");
}

#[test]
fn a_lint_in_the_users_own_body_still_fires() {
    let (ok, text) = clippy(&["--features", "body-lint"]);
    assert!(!ok, "{text}");
    assert!(text.contains("cast_possible_truncation"), "{text}");
    assert!(text.contains("x as u8"), "{text}");
}

#[test]
fn a_case_whose_types_cannot_be_inferred_is_an_error_at_that_case() {
    let (ok, text) = clippy(&["--features", "bad-generic"]);
    assert!(!ok, "{text}");
    assert!(text.contains("type annotations needed"), "{text}");
    let line = line_in_cases("#[case(Default::default())]");
    assert!(text.contains(&format!("tests/cases.rs:{line}:")), "{text}");
}

#[test]
fn a_string_literal_for_a_type_without_from_str_is_an_error_at_the_literal() {
    let (ok, text) = clippy(&["--features", "bad-literal"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains(
            "a string literal cannot become a `Port`: it is neither `&str` nor `FromStr`"
        ),
        "{text}"
    );
    let line = line_in_cases("#[case(\"8080\")]");
    assert!(text.contains(&format!("tests/cases.rs:{line}:8")), "{text}");
}

#[test]
fn an_ignored_parameter_is_filled_by_the_attribute_macro_below() {
    let out = lint_crate(&["test", "--quiet", "--test", "supplied"])
        .output()
        .expect("cargo runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("6 passed"), "{text}");
}

/// The 1-based line of `text` (a whole line) in the lint crate's `tests/cases.rs`.
fn line_in_cases(text: &str) -> usize {
    let source = include_str!("lint-crate/tests/cases.rs");
    1 + source
        .lines()
        .position(|l| l == text)
        .unwrap_or_else(|| panic!("`{text}` is a line of lint-crate/tests/cases.rs"))
}
