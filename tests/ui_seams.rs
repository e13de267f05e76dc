//! Compile errors of `#[patchable]`, `patch!` and `spy!`, pinned with trybuild.
//! Regenerate with `TRYBUILD=overwrite` and read the diff before committing.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/patchable/*.rs");
    t.compile_fail("tests/ui/patch/*.rs");
}
