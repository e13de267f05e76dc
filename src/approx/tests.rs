use std::collections::{BTreeMap, HashMap, VecDeque};
use std::panic::Location;

use super::*;

#[path = "../../tests/support/panic_site.rs"]
mod panic_site;
use panic_site::panic_of as failure;

fn differs<A: Approx + ?Sized, E: Approx + ?Sized>(a: &A, e: &E) -> String {
    compare(a, e, &Tolerance::DEFAULT)
        .expect_err("expected a difference")
        .to_string()
}

#[test]
fn pytest_defaults_and_the_tolerance_rule() {
    assert_approx!(0.1 + 0.2, 0.3);
    assert_approx!(1_000_000.0, 1_000_000.9);
    assert!(compare(&1_000_000.0, &1_000_001.1, &Tolerance::DEFAULT).is_err());
    assert_approx!(0.0, 1e-13);
    assert!(compare(&0.0, &1e-11, &Tolerance::DEFAULT).is_err());
    assert_eq!(Tolerance::DEFAULT.of(-4.0), 4e-6);
    assert_eq!(Tolerance::DEFAULT.rel(0.5).of(0.0), 1e-12);
    // `abs` alone drops the relative part, as in pytest.
    assert!(compare(&1e9, &(1e9 + 10.0), &Tolerance::DEFAULT.abs(1.0)).is_err());
    assert_approx!(1e9, 1e9 + 10.0, rel = 1e-6, abs = 1.0);
}

#[test]
fn nan_equals_nan_only_with_nan_ok_and_infinities_only_themselves() {
    assert!(differs(&f64::NAN, &f64::NAN).contains("NaN equals NaN only with `nan_ok`"));
    assert_approx!(f64::NAN, f64::NAN, nan_ok);
    assert!(compare(&f64::NAN, &1.0, &Tolerance::DEFAULT.nan_ok()).is_err());
    assert!(compare(&1.0, &f64::NAN, &Tolerance::DEFAULT.nan_ok()).is_err());
    assert_approx!(f64::INFINITY, f64::INFINITY);
    assert_eq!(
        differs(&f64::INFINITY, &f64::NEG_INFINITY),
        "(top level): actual inf, expected -inf (difference inf)"
    );
    assert!(compare(&f64::MAX, &f64::INFINITY, &Tolerance::DEFAULT.rel(1.0)).is_err());
    assert!(
        compare(
            &f64::INFINITY,
            &f64::MAX,
            &Tolerance::DEFAULT.abs(f64::INFINITY)
        )
        .is_err()
    );
}

#[test]
fn f32_integers_and_exact_leaves() {
    assert_approx!(0.1_f32 + 0.2_f32, 0.3_f32);
    assert_approx!(0.1_f32, 0.1); // an f32 against an f64 within 1e-6
    assert_eq!(
        differs(&0.5_f32, &0.25_f32),
        "(top level): actual 0.5, expected 0.25 ± 2.5e-7 (difference 2.5e-1)"
    );
    assert_approx!((3, 2.0), (3, 2.0000000001));
    assert_approx!(2.0000000001, 2);
    assert_eq!(
        differs(&(3_u8, 1.0), &(4_u8, 1.0)),
        ".0: actual 3, expected 4 (integers compare exactly)"
    );
    assert_approx!(("a", 'b', true, 1.0), (String::from("a"), 'b', true, 1.0));
    assert_eq!(
        differs(&("a", 1.0), &("b", 1.0)),
        r#".0: actual "a", expected "b""#
    );
}

#[test]
fn the_message_of_a_tuple_is_exact() {
    let (message, _) = failure(|| assert_approx!((1.0, 2.0, 3.0), (1.0, 2.1, 3.3), rel = 1e-3));
    assert_eq!(
        message,
        "assert_approx!((1.0, 2.0, 3.0), (1.0, 2.1, 3.3)) failed: 2 of 3 values differ \
         (rel = 1e-3, abs = 1e-12):\n  \
         .1: actual 2.0, expected 2.1 ± 2.1e-3 (difference 1.0e-1)\n  \
         .2: actual 3.0, expected 3.3 ± 3.3e-3 (difference 3.0e-1)"
    );
}

#[test]
fn the_message_of_a_map_is_exact() {
    let actual = BTreeMap::from([("a", 1.0), ("b", 2.0), ("c", 3.0)]);
    let expected = BTreeMap::from([("a", 1.0), ("b", 2.5), ("d", 4.0)]);
    let (message, _) = failure(|| assert_approx!(actual, expected));
    let text = "assert_approx!(actual, expected) failed: 3 of 4 values differ \
                (rel = 1e-6, abs = 1e-12):\n  \
                [\"b\"]: actual 2.0, expected 2.5 ± 2.5e-6 (difference 5.0e-1)\n  \
                [\"d\"]: missing in actual (expected 4.0)\n  \
                [\"c\"]: not expected (actual 3.0)";
    assert_eq!(message, text);
    // A HashMap reports the same, in key order.
    let actual: HashMap<_, _> = actual.into_iter().collect();
    let expected: HashMap<_, _> = expected.into_iter().collect();
    let (message, _) = failure(|| assert_approx!(actual, expected));
    assert_eq!(message, text);
}

#[test]
fn the_panic_points_at_the_line_of_the_macro() {
    let line = Location::caller().line() + 1;
    let (_, site) = failure(|| assert_approx!(1.0, 2.0));
    assert_eq!(site, format!("{}:{line}", file!()));
    let line = Location::caller().line() + 1;
    let (message, site) = failure(|| assert_approx!(1.0, 1.0, rel = -1.0));
    assert_eq!(site, format!("{}:{line}", file!()));
    assert!(
        message.contains("`rel = -1` is not a tolerance"),
        "{message}"
    );
}

#[test]
fn a_scalar_failure_is_one_line() {
    let (message, _) = failure(|| assert_approx!(1.0, 1.1));
    assert_eq!(
        message,
        "assert_approx!(1.0, 1.1) failed: actual 1.0, expected 1.1 ± 1.1e-6 (difference 1.0e-1)"
    );
}

#[test]
fn sequences_of_any_kind_compare_and_lengths_are_reported() {
    let v = vec![1.0, 2.0, 3.0];
    assert_approx!(v, [1.0, 2.0, 3.0]);
    assert_approx!(&v[..], vec![1.0, 2.0, 3.0]);
    assert_approx!(VecDeque::from(v.clone()), [1.0, 2.0, 3.0 + 1e-9]);
    assert_approx!(Box::new([0.5]), [0.5]);
    assert_eq!(
        differs(&v, &[1.0, 2.5]),
        "(top level): actual has 3 elements, expected 2\n\
         [1]: actual 2.0, expected 2.5 ± 2.5e-6 (difference 5.0e-1)"
    );
}

#[test]
fn options_and_nested_paths() {
    assert_approx!(Some(1.0), Some(1.0));
    assert_approx!(None::<f64>, None::<f64>);
    assert_eq!(
        differs(&(1.0, Some(2.0)), &(1.0, None::<f64>)),
        ".1: actual Some(2.0), expected None"
    );
    let actual = vec![(1, vec![Some((0.0, 1.0))])];
    let expected = [(1, [Some((0.0, 1.5))])];
    assert_eq!(
        differs(&actual, &expected),
        "[0].1[0].1: actual 1.0, expected 1.5 ± 1.5e-6 (difference 5.0e-1)"
    );
    let nested = BTreeMap::from([(7, vec![1.0])]);
    assert_eq!(
        differs(&nested, &BTreeMap::from([(7, vec![2.0])])),
        "[7][0]: actual 1.0, expected 2.0 ± 2.0e-6 (difference 1.0e0)"
    );
}

#[test]
fn values_of_different_shapes_differ() {
    assert_eq!(
        differs(&(1.0, 2.0), &[1.0, 2.0]),
        "(top level): actual (1.0, 2.0), expected [1.0, 2.0] (not the same shape)"
    );
    assert_eq!(
        differs(&(1.0, 2.0), &(1.0, 2.0, 3.0)),
        "(top level): actual (1.0, 2.0), expected (1.0, 2.0, 3.0) (not the same shape)"
    );
}

#[test]
fn tuples_up_to_twelve() {
    let t = (1.0, 2, 3.0, 4, 5.0, 6, 7.0, 8, 9.0, 10, 11.0, 12.0);
    assert_approx!(t, t);
    assert!(
        differs(&t, &(1.0, 2, 3.0, 4, 5.0, 6, 7.0, 8, 9.0, 10, 11.0, 12.5)).starts_with(".11:")
    );
}

#[test]
fn a_long_report_lists_twenty_and_counts_the_rest() {
    let (message, _) = failure(|| assert_approx!(vec![0.0; 25], vec![1.0; 25]));
    assert!(message.contains("25 of 25 values differ"), "{message}");
    assert!(message.contains("[19]: actual 0.0"), "{message}");
    assert!(!message.contains("[20]:"), "{message}");
    assert!(message.ends_with("… and 5 more"), "{message}");
}

#[test]
fn approx_compares_with_eq_in_both_orders_and_shows_the_tolerance() {
    assert!(approx(0.3) == 0.1 + 0.2);
    assert!(0.1 + 0.2 == approx(0.3));
    assert!(approx(0.3) != 0.31);
    assert!(vec![1.0, 2.0] == approx([1.0, 2.0 + 1e-9]));
    assert!((1.0, 2.0) == approx((1.0, 2.0)));
    assert!(Some(0.5_f32) == approx(Some(0.5)));
    assert!(approx(1.0).abs(0.5) == 1.4);
    let missing = f64::NAN;
    assert!(approx(f64::NAN).nan_ok() == missing);
    assert!(approx(f64::NAN) != missing);
    assert_eq!(
        format!("{:?}", approx((0.3, 1, "x"))),
        r#"approx((0.3 ± 3.0e-7, 1, "x"))"#
    );
    assert_eq!(format!("{:?}", approx([f64::INFINITY])), "approx([inf])");
}

proptest::proptest! {
    /// Element by element, a sequence compares as its numbers do under pytest's rule, and the
    /// report names exactly the elements outside their tolerance.
    #[test]
    fn sequences_follow_the_rule_element_by_element(
        pairs in proptest::collection::vec((-1e6..1e6_f64, -1e-3..1e-3_f64), 0..20),
        rel in 0.0..1e-3_f64,
    ) {
        let tol = Tolerance::DEFAULT.rel(rel);
        let expected: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let actual: Vec<f64> = pairs.iter().map(|p| p.0 + p.1).collect();
        let off: Vec<usize> = actual
            .iter()
            .zip(&expected)
            .enumerate()
            .filter(|(_, (a, e))| (*a - *e).abs() > (rel * e.abs()).max(1e-12))
            .map(|(i, _)| i)
            .collect();
        match compare(&actual, &expected, &tol) {
            Ok(()) => proptest::prop_assert!(off.is_empty(), "{off:?}"),
            Err(d) => {
                let named: Vec<usize> = d
                    .to_string()
                    .lines()
                    .map(|l| l[1..l.find(']').unwrap()].parse().unwrap())
                    .collect();
                proptest::prop_assert_eq!(&named, &off);
            }
        }
        proptest::prop_assert_eq!(approx(expected).rel(rel) == actual, off.is_empty());
    }
}
