//! Compiles only when the library was built with seams: the dev-dependency feature pattern.

use seams_demo::seams_demo_annotated;

#[test]
fn an_integration_test_patches_the_library() {
    let real = seams_demo_annotated(1);
    let guard = testrig::patch!(seams_demo_annotated, |x| x + 1);
    assert_eq!(seams_demo_annotated(1), 2);
    drop(guard);
    assert_eq!(seams_demo_annotated(1), real);
}

#[test]
fn an_integration_test_patches_methods() {
    let _read = testrig::patch!(seams_demo::Meter::read, |m: &seams_demo::Meter| m.0 + 1);
    let _zero = testrig::patch!(seams_demo::Meter::zero, || seams_demo::Meter(5));
    assert_eq!(seams_demo::Meter::zero().read(), 6);
}
