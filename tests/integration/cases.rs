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

#[testrig::test]
#[case(4, 2, id = "even split")]
#[case(1, 0, should_panic = "attempt to divide by zero")]
#[case(7, 7, id = "Same!", should_panic)]
#[case(9, 3, ignore)]
#[case(9, 4, id = "slow one", ignore = "slow on CI")]
fn marks(a: u32, b: u32) {
    let q = a / b;
    assert_ne!(q, 1, "a quotient of one panics on purpose");
}

#[testrig::test]
#[case(1, id = "fixed already", xfail = "was broken")]
#[should_panic(
    expected = "XPASS: case `fixed already` is marked `xfail = \"was broken\"` but passed"
)]
fn xpass_fails_with_the_reason(n: u32) {
    assert_eq!(n, 1);
}

#[testrig::test]
#[case(1, id = "xpass report")]
#[should_panic(expected = "testrig: case `xpass report` of `case_report_in_panics`")]
fn case_report_in_panics(n: u32, test_context: TestContext) {
    // A leak makes the runner fail the test itself: its message carries the case report.
    std::mem::forget(env::set(format!("TESTRIG_IT_CASE_LEAK_{n}"), "x"));
    assert_eq!(test_context.case_id(), Some("xpass report"));
}

#[testrig::test]
fn matrix(#[values(1, 2, 3)] n: u32, #[values("a", "bc")] s: &str, port: &u16) {
    assert!(n * s.len() as u32 <= 6);
    assert_eq!(*port, 8080);
}

#[testrig::test]
#[case("x", id = "ex")]
#[case("yy", id = "why")]
fn cases_times_values(word: &str, #[values(0, 2)] times: usize) {
    assert_eq!(word.repeat(times).len(), word.len() * times);
}

use crate::fixtures::config::port;

const REPORT_LINE: u32 = line!() + 3;

#[testrig::test]
#[case(-1.0, "minus one", (1, 2), id = "Negative Input!")]
fn reports_itself(x: f64, label: &str, pair: (u8, u8)) {
    if std::env::var_os("TESTRIG_IT_FAIL_CASES").is_some() {
        panic!("deliberate failure of {label}");
    }
    assert!(x < 0.0 && pair.0 < pair.1);
}

fn run_self(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(args)
        .env("TESTRIG_IT_FAIL_CASES", "1")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn a_failing_case_names_itself() {
    if std::env::var_os("TESTRIG_IT_FAIL_CASES").is_some() {
        return;
    }
    let (ok, text) = run_self(&["--exact", "cases::reports_itself::negative_input"]);
    assert!(!ok, "{text}");
    let header = format!(
        "testrig: case `Negative Input!` of `reports_itself` (tests/integration/cases.rs:{REPORT_LINE}) failed"
    );
    assert!(text.contains(&header), "{text}");
    assert!(text.contains("    x = -1.0\n"), "{text}");
    assert!(text.contains("    label = \"minus one\"\n"), "{text}");
    assert!(text.contains("    pair = (1, 2)\n"), "{text}");
    assert!(text.contains("deliberate failure of minus one"), "{text}");
}

#[test]
fn cases_are_listed_by_sanitized_id() {
    if std::env::var_os("TESTRIG_IT_FAIL_CASES").is_some() {
        return;
    }
    let (ok, list) = run_self(&["--list"]);
    assert!(ok, "{list}");
    for name in [
        "cases::polarify::origin: test",
        "cases::polarify::first_quadrant: test",
        "cases::polarify::third_quadrant: test",
        "cases::polarify::nan_input: test",
        "cases::polarify::case_5: test",
        "cases::marks::even_split: test",
        "cases::marks::case_2: test",
        "cases::marks::same: test",
        "cases::matrix::n_1__s_a: test",
        "cases::matrix::n_3__s_bc: test",
        "cases::cases_times_values::ex::times_0: test",
        "cases::cases_times_values::why::times_2: test",
        "async_tests::async_cases::two: test",
    ] {
        assert!(list.contains(name), "missing {name} in\n{list}");
    }
    assert_eq!(list.matches("cases::matrix::").count(), 6, "{list}");
    // Never registered twice, whatever the order of the test attributes.
    for once in [
        "fixtures::fixture_use_on_a_plain_test: test",
        "fixtures::fixture_use_above_test: test",
        "fixtures::fixture_use_with_testrig_test: test",
        "fixtures::fixture_use_above_testrig_test: test",
        "async_tests::fixture_use_above_tokio_test: test",
        "async_tests::fixture_use_below_tokio_test: test",
        "async_tests::tokio_test_above_cases::one: test",
        "async_tests::async_cases::one: test",
    ] {
        assert_eq!(list.matches(once).count(), 1, "{once} in\n{list}");
    }
    let (_, ignored) = run_self(&["--list", "--ignored"]);
    assert!(ignored.contains("cases::marks::case_4: test"), "{ignored}");
    assert!(
        ignored.contains("cases::marks::slow_one: test"),
        "{ignored}"
    );
    assert!(!ignored.contains("cases::marks::even_split"), "{ignored}");
}
