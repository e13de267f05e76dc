//! Behaviour tests of fixtures and cases, one binary to keep link time down.

mod async_tests;
mod autouse;
mod builtins;
mod cases;
#[path = "../common/mod.rs"]
mod common;
mod cycles;
mod events;
mod fixtures;
mod leaks;
mod module_attrs;
mod options;
mod params;
mod prelude_names;
#[cfg(feature = "proptest")]
mod prop;
mod raw_idents;
mod return_types;
mod rstest_compact;
mod rstest_extras;
mod rstest_fixtures;
mod rstest_forms;
mod rstest_params;
mod session;
mod stress;
mod teardown;

/// This test binary's own output for `args` (e.g. `["--list", "cases::"]`): the names of the
/// tests the macros generated, as libtest and nextest see them.
fn listing(args: &[&str]) -> String {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}
