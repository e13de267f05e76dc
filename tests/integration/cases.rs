use std::f64::consts::{FRAC_PI_4, SQRT_2};

use testrig::prelude::*;

fn polar(x: f64, y: f64) -> (f64, f64) {
    (x.hypot(y), y.atan2(x))
}

#[testrig::test]
#[case(0.0, 0.0, (0.0, 0.0), id = "origin")]
#[case(1.0, 1.0, (SQRT_2, FRAC_PI_4), id = "first quadrant")]
#[case(-1.0, -1.0, (SQRT_2, -2.356194490192345), id = "third quadrant")]
#[case(f64::NAN, 0.0, (f64::NAN, 0.0), id = "nan input", xfail = "NaN is not handled yet")]
#[case(2.0, 0.0, (2.0, 0.0))]
fn polarify(x: f64, y: f64, expected: (f64, f64), test_context: TestContext) {
    let (r, t) = polar(x, y);
    assert!((r - expected.0).abs() < 1e-9, "r = {r}");
    assert!((t - expected.1).abs() < 1e-9, "t = {t}");
    assert!(test_context.case_id().is_some());
}
