//! Cartesian to polar coordinates, tested with named cases: the port of pytest's
//! `pytest.param(..., id="...")` story.
//!
//! Each case is its own test, named after its id:
//!
//! ```text
//! $ cargo test --example polarify -- --list
//! tests::polarify::case_6: test
//! tests::polarify::first_quadrant: test
//! tests::polarify::huge_values: test
//! tests::polarify::nan_input: test
//! tests::polarify::origin: test
//! tests::polarify::third_quadrant: test
//!
//! $ cargo test --example polarify polarify::third
//! test tests::polarify::third_quadrant ... ok
//! ```
//!
//! `nan input` is marked `xfail`: it passes while `polarify` mishandles NaN, and fails with
//! `XPASS` once someone fixes it (then remove the mark). `huge values` is ignored unless
//! asked for with `--ignored`.

/// `(r, theta)` of the point `(x, y)`; theta in radians, in `(-pi, pi]`.
pub fn polarify(x: f64, y: f64) -> (f64, f64) {
    (x.hypot(y), y.atan2(x))
}

fn main() {
    for (x, y) in [(1.0, 0.0), (1.0, 1.0), (-1.0, -1.0)] {
        let (r, theta) = polarify(x, y);
        println!("({x}, {y}) -> r = {r:.4}, theta = {theta:.4}");
    }
}

#[cfg(test)]
mod tests {
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, SQRT_2};

    use testrig::prelude::*;

    // pytest.approx's tolerance (rel 1e-6, abs 1e-12) ignores floating-point noise; a failure
    // names the element that is off (`.1` is theta), both values and by how much.
    #[testrig::test]
    #[case(0.0, 0.0, (0.0, 0.0), id = "origin")]
    #[case(1.0, 1.0, (SQRT_2, FRAC_PI_4), id = "first quadrant")]
    #[case(-1.0, -1.0, (SQRT_2, -3.0 * FRAC_PI_4), id = "third quadrant")]
    #[case(f64::NAN, 0.0, (f64::NAN, 0.0), id = "nan input", xfail = "NaN is not handled yet")]
    #[case(1e308, 1e308, (SQRT_2 * 1e308, FRAC_PI_4), id = "huge values", ignore = "slow on CI")]
    #[case(0.0, 2.0, (2.0, FRAC_PI_2))]
    fn polarify(x: f64, y: f64, expected: (f64, f64)) {
        assert_approx!(crate::polarify(x, y), expected);
    }
}
