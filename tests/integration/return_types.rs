//! Tests may return what libtest accepts: `Result<T, E>` with `E: Debug` and `T` itself a
//! test result (nested results included), `ExitCode`; sync, async, with cases.

use std::process::ExitCode;

use testrig::prelude::*;

/// An error type; its field is read through `Debug`, in the failure message.
#[derive(Debug)]
struct Oops(#[allow(dead_code)] &'static str);

#[testrig::test]
fn ok_with_a_nested_result() -> Result<Result<(), ()>, ()> {
    Ok(Ok(()))
}

#[testrig::test]
#[should_panic(expected = "the test returned an error: ()")]
fn an_inner_error_fails() -> Result<Result<(), ()>, Oops> {
    Ok(Err(()))
}

#[testrig::test]
#[should_panic(expected = "the test returned an error: Oops(\"outer\")")]
fn an_outer_error_fails() -> Result<Result<(), ()>, Oops> {
    Err(Oops("outer"))
}

#[testrig::test]
fn ok_with_an_exit_code() -> Result<ExitCode, Oops> {
    Ok(ExitCode::SUCCESS)
}

#[testrig::test]
#[should_panic(expected = "the test returned a failing exit code")]
fn a_failing_exit_code_fails() -> ExitCode {
    ExitCode::FAILURE
}

#[testrig::test]
#[tokio::test]
async fn async_nested_result() -> Result<Result<(), String>, Oops> {
    tokio::task::yield_now().await;
    Ok(Ok(()))
}

#[testrig::test]
#[tokio::test]
#[should_panic(expected = "the test returned an error: \"inner\"")]
async fn async_inner_error_fails() -> Result<Result<(), String>, Oops> {
    tokio::task::yield_now().await;
    Ok(Err("inner".to_owned()))
}

#[testrig::test]
#[case(1, id = "one")]
#[case(2, id = "two")]
#[case(
    3,
    id = "three",
    should_panic = "the test returned an error: \"odd 3\""
)]
#[case(5, id = "five", xfail = "an inner error is a failure")]
fn cases_with_nested_results(n: u32) -> Result<Result<(), String>, Oops> {
    if n == 1 || n == 2 {
        return Ok(Ok(()));
    }
    Ok(Err(format!("odd {n}")))
}

#[testrig::test]
#[case(1)]
#[case(2)]
#[tokio::test]
async fn async_cases_with_nested_results(n: u32) -> Result<Result<(), String>, Oops> {
    tokio::task::yield_now().await;
    if n == 0 {
        return Err(Oops("zero"));
    }
    Ok(Ok(()))
}

#[testrig::test]
fn matrix_with_results(#[values(1, 2)] n: u32) -> Result<ExitCode, Oops> {
    if n > 2 {
        return Err(Oops("too big"));
    }
    Ok(ExitCode::SUCCESS)
}

#[fixture]
fn answer() -> u32 {
    42
}

#[test]
#[fixture_use(answer)]
fn a_plain_test_with_fixture_use_returns_a_nested_result() -> Result<Result<(), ()>, Oops> {
    Ok(Ok(()))
}
