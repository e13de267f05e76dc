//! The README's first example, compiled and run as a test, and kept identical to the README:
//! `the_readme_shows_this_file` fails when the two drift apart.

// README-BEGIN
use testrig::prelude::*;

/// A guard as a fixture: the variable is restored when the test ends.
#[fixture]
fn api_url() -> EnvGuard {
    env::set("README_API_URL", "http://127.0.0.1:9")
}

// Listed as `distance::pythagoras` and `distance::negative_x`.
#[testrig::test]
#[fixture_use(api_url)] // set up for its side effect only
#[case(3.0, 4.0, 5.0, id = "pythagoras")]
#[case(-1.0, 0.0, 1.0, id = "negative x")]
fn distance(x: f64, y: f64, expected: f64, tmp_dir: TempDir) {
    assert_eq!(
        std::env::var("README_API_URL").unwrap(),
        "http://127.0.0.1:9"
    );
    assert_eq!(x.hypot(y), expected);
    assert!(tmp_dir.exists()); // `tmp_dir`: a built-in fixture, injected by name
}
// README-END

#[test]
fn the_readme_shows_this_file() {
    let this = include_str!("readme.rs");
    let begin = this.find("// README-BEGIN\n").unwrap() + "// README-BEGIN\n".len();
    let end = this.find("// README-END").unwrap();
    let readme = include_str!("../README.md");
    let block = readme
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a rust block in the README");
    assert_eq!(
        block,
        &this[begin..end],
        "README.md and tests/readme.rs differ"
    );
}

#[test]
fn the_readme_cases_are_listed_by_id() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--list")
        .output()
        .unwrap();
    let listing = String::from_utf8(out.stdout).unwrap();
    for name in ["distance::pythagoras: test", "distance::negative_x: test"] {
        assert!(
            listing.lines().any(|l| l == name),
            "{name} not in:\n{listing}"
        );
    }
}
