use std::panic::catch_unwind;

use testrig::{env, fs};

use crate::key;
use crate::out_of_range::{next_line, panic_of};

/// Runs `f`, expects a panic, and returns its message.
fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = catch_unwind(f).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn empty_key_is_refused() {
    let msg = panic_message(|| drop(env::set("", "v")));
    assert!(msg.contains("variable name is empty"), "{msg}");
}

#[test]
fn key_with_equals_is_refused_and_named() {
    let msg = panic_message(|| drop(env::set("A=B", "v")));
    assert!(msg.contains("\"A=B\"") && msg.contains('='), "{msg}");
}

#[test]
fn key_with_nul_is_refused() {
    let msg = panic_message(|| drop(env::remove("A\0B")));
    assert!(msg.contains("NUL"), "{msg}");
}

#[test]
fn value_with_nul_is_refused_and_names_the_key() {
    let k = key("NUL_VALUE");
    let msg = panic_message(|| drop(env::set(&k, "a\0b")));
    assert!(msg.contains("NUL") && msg.contains(&k), "{msg}");
    assert_eq!(std::env::var_os(&k), None);
}

#[test]
fn many_at_once_checks_everything_before_changing_anything() {
    let good = key("MANY_GOOD");
    let msg = panic_message(|| drop(env::set_many([(good.as_str(), "1"), ("BAD=KEY", "2")])));
    assert!(msg.contains("BAD=KEY"), "{msg}");
    assert_eq!(
        std::env::var_os(&good),
        None,
        "the valid key was not touched"
    );
}

/// The panic hook sees where a panic happened; `#[track_caller]` must make that the test's
/// own line, not a line inside testrig. (One hook for the whole binary, in `panic_of`: tests
/// that swapped hooks in parallel hid each other's panics.)
#[test]
fn the_panic_points_at_the_callers_line() {
    let line = next_line();
    let (_, site) = panic_of(|| drop(env::set("", "v")));
    assert_eq!(site, line);
}

#[test]
fn chdir_to_a_missing_directory_names_it_at_the_callers_line() {
    let tmp = fs::tmp_dir();
    let missing = tmp.join("no-such-dir");
    let line = next_line();
    let (msg, site) = panic_of(|| drop(fs::chdir(&missing)));
    assert_eq!(site, line, "{msg}");
    assert!(
        msg.contains(&format!("cannot change to `{}`", missing.display())),
        "{msg}"
    );
    assert!(msg.contains("No such file or directory"), "{msg}");
}

#[test]
fn helper_makes_a_tmp_dir() {
    if crate::common::in_helper() {
        drop(fs::tmp_dir());
    }
}

#[test]
fn tmp_dir_in_a_missing_temp_dir_names_it() {
    let (output, text) = crate::common::run(
        crate::common::helper("bad_input::helper_makes_a_tmp_dir")
            .env("TMPDIR", "/nonexistent/testrig-tmp"),
    );
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("could not create a temporary directory in `/nonexistent/testrig-tmp`"),
        "{text}"
    );
    assert!(
        text.contains("panicked at tests/guards/bad_input.rs:"),
        "{text}"
    );
}

#[test]
fn helper_drops_a_tmp_dir_it_cannot_delete() {
    if crate::common::in_helper() {
        let dir = fs::tmp_dir();
        // A file where the directory was: deleting it as a directory fails, even as root.
        std::fs::remove_dir(dir.path()).unwrap();
        std::fs::write(dir.path(), "not a directory").unwrap();
        let path = dir.path().to_owned();
        drop(dir);
        println!("dropped {}", path.display());
        std::fs::remove_file(&path).unwrap();
        // Deleted by the test itself: nothing to report.
        let gone = fs::tmp_dir();
        std::fs::remove_dir(gone.path()).unwrap();
    }
}

#[test]
fn a_tmp_dir_that_cannot_be_deleted_is_reported_with_its_path() {
    let (output, text) =
        crate::common::run_helper("bad_input::helper_drops_a_tmp_dir_it_cannot_delete");
    assert!(output.status.success(), "{text}");
    let path = text
        .lines()
        .find_map(|l| Some(l.split_once("dropped ")?.1))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        text.contains(&format!(
            "testrig::fs::tmp_dir: could not delete the temporary directory `{path}`: "
        )),
        "{text}"
    );
    assert!(!text.contains("at path"), "the path is named once: {text}");
    assert_eq!(text.matches("could not delete").count(), 1, "{text}");
}
