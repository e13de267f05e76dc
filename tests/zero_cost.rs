//! `#[patchable]` is free outside tests, checked on a real build of a user's crate
//! (`tests/seams-crate`): in release, the annotated function compiles to exactly the code of an
//! unannotated twin and nothing of testrig is linked in; its integration tests still get seams.

use std::path::{Path, PathBuf};
use std::process::Command;

fn demo_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seams-crate/Cargo.toml")
}

/// A target dir of its own, so the nested cargo never waits for the one running this test.
fn cargo(args: &[&str]) -> std::process::Output {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seams-demo");
    let out = Command::new(env!("CARGO"))
        .args(args)
        .arg("--manifest-path")
        .arg(demo_manifest())
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `(name, size)` of the defined symbols in the demo's release rlib, via `nm`.
fn symbols(features: &[&str]) -> Vec<(String, u64)> {
    let mut args = vec!["build", "--release", "--lib", "--quiet"];
    args.extend_from_slice(features);
    cargo(&args);
    let rlib = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seams-demo/release/libseams_demo.rlib");
    let out = Command::new("nm")
        .args(["--defined-only", "--print-size", "--demangle"])
        .arg(&rlib)
        .output()
        .expect("`nm` (binutils) is needed by this test");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let parts: Vec<&str> = line.splitn(4, ' ').collect();
            match parts.as_slice() {
                [_addr, size, _kind, name] => {
                    Some((name.to_string(), u64::from_str_radix(size, 16).ok()?))
                }
                _ => None,
            }
        })
        .collect()
}

fn size_of(symbols: &[(String, u64)], name: &str) -> u64 {
    symbols
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no symbol `{name}` in {symbols:?}"))
        .1
}

#[test]
fn a_release_build_compiles_the_annotated_fn_to_the_same_code_as_a_plain_one() {
    let plain_build = symbols(&[]);
    assert_eq!(
        size_of(&plain_build, "seams_demo_annotated"),
        size_of(&plain_build, "seams_demo_plain"),
        "{plain_build:?}"
    );
    // Nothing else: no slot, no companion, no spy, nothing of testrig. (The small patchable
    // methods compile, and like any small method are left to be inlined by their callers.)
    let mut names: Vec<&str> = plain_build.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(names, ["seams_demo_annotated", "seams_demo_plain"]);

    // The control: the same check on a build *with* seams sees the slot, so it can fail.
    let seam_build = symbols(&["--features", "force-seams"]);
    assert!(
        size_of(&seam_build, "seams_demo_annotated") > size_of(&seam_build, "seams_demo_plain")
            || seam_build.iter().any(|(n, _)| n.contains("__testrig_slot")),
        "{seam_build:?}"
    );
}

#[test]
fn integration_tests_get_seams_through_the_dev_dependency_feature() {
    let out = cargo(&["test", "--quiet", "--test", "patch_from_integration_test"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 passed"), "{stdout}");
}
