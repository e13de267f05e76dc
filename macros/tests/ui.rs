//! Compile errors of the macros, with spans: `tests/ui/<macro>/<case>.rs` and `.stderr`.
//! Lives in the macro crate so that trybuild's project depends on `testrig` alone (no tokio,
//! no HTTP stack to build). Regenerate with `TRYBUILD=overwrite` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("../tests/ui/fixture/*.rs");
    t.compile_fail("../tests/ui/fixture_use/*.rs");
    t.compile_fail("../tests/ui/test/*.rs");
    t.compile_fail("../tests/ui/module/*.rs");
    t.compile_fail("../tests/ui/scope/*.rs");
    t.compile_fail("../tests/ui/approx/*.rs");
    // With the feature, testrig brings a runtime and the same test compiles.
    #[cfg(not(feature = "tokio"))]
    t.compile_fail("../tests/ui/test_without_tokio/*.rs");
    // trybuild's project takes testrig with its default features, which leave `tempfile` out.
    t.compile_fail("../tests/ui/test_without_tempfile/*.rs");
    #[cfg(not(feature = "proptest"))]
    t.compile_fail("../tests/ui/test_without_proptest/*.rs");
}
