use std::path::{Path, PathBuf};

use testrig::fs;

fn canon(p: impl AsRef<Path>) -> PathBuf {
    p.as_ref().canonicalize().unwrap()
}

#[test]
fn chdir_changes_and_restores() {
    let tmp = fs::tmp_dir();
    // Holding the key for the whole test keeps other tests from moving the process meanwhile.
    let _outer = fs::chdir(".");
    let before = std::env::current_dir().unwrap();
    {
        let _cwd = fs::chdir(tmp.path());
        assert_eq!(canon(std::env::current_dir().unwrap()), canon(tmp.path()));
    }
    assert_eq!(std::env::current_dir().unwrap(), before);
}

#[test]
fn relative_chdir_resolves_against_the_visible_directory_and_any_order_restores() {
    let tmp = fs::tmp_dir();
    std::fs::create_dir_all(tmp.join("a/b")).unwrap();
    let outer = fs::chdir(tmp.path());
    let original = std::env::current_dir().unwrap();
    let a = fs::chdir("a");
    let b = fs::chdir("b");
    assert_eq!(
        canon(std::env::current_dir().unwrap()),
        canon(tmp.join("a/b"))
    );
    drop(a); // out of order: still in a/b
    assert_eq!(
        canon(std::env::current_dir().unwrap()),
        canon(tmp.join("a/b"))
    );
    drop(b);
    assert_eq!(std::env::current_dir().unwrap(), original);
    drop(outer);
}

#[test]
fn chdir_to_a_missing_directory_panics_and_changes_nothing() {
    let tmp = fs::tmp_dir();
    let _hold = fs::chdir(tmp.path());
    let missing = tmp.join("does-not-exist");
    let result = std::panic::catch_unwind(|| drop(fs::chdir(&missing)));
    let msg = *result.unwrap_err().downcast::<String>().unwrap();
    assert!(
        msg.contains("could not patch the current directory"),
        "{msg}"
    );
    assert_eq!(canon(std::env::current_dir().unwrap()), canon(tmp.path()));
}

/// A restore that cannot happen (the directory to go back to is gone) does not panic in the
/// drop (a panicking `Drop` during an unwind would abort the test binary); it is recorded
/// against the test, whose end reports it.
#[test]
fn a_failed_restore_does_not_panic_in_drop() {
    let ctx = testrig::context::TestContext::new("cwd::failed_restore", None);
    let entered = ctx.enter();
    let base = fs::tmp_dir();
    std::fs::create_dir_all(base.join("doomed")).unwrap();
    std::fs::create_dir_all(base.join("other")).unwrap();
    let outer = fs::chdir(base.path());
    let doomed = fs::chdir("doomed");
    let other = fs::chdir(base.join("other"));
    std::fs::remove_dir(base.join("doomed")).unwrap();
    drop(other); // going back into `doomed` fails: recorded, no panic
    drop(doomed);
    drop(outer);
    assert!(std::env::current_dir().is_ok());
    drop(entered);
    let report = testrig::__private::restore_leaked_guards(&ctx).expect("the failure is kept");
    assert!(
        report.contains("could not restore the current directory (patched at tests/guards/cwd.rs:"),
        "{report}"
    );
}

#[test]
fn tmp_dir_is_removed_on_drop_and_kept_on_request() {
    let dir = fs::tmp_dir();
    let path = dir.path().to_owned();
    std::fs::write(dir.join("f"), "x").unwrap();
    drop(dir);
    assert!(!path.exists());

    let kept = fs::tmp_dir().keep();
    assert!(kept.exists());
    std::fs::remove_dir_all(kept).unwrap();
}
