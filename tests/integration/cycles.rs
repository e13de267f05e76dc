//! Fixture cycles are found by fixture (its path), not by name. A cycle of plain `fn`
//! fixtures is a compile error at the fixtures (`tests/ui/fixture/cycle.rs`); one through an
//! async fixture is found when an async test sets it up, and reported at the user's
//! parameter that closes it.

use testrig::prelude::*;

use crate::common;

mod base {
    use testrig::prelude::*;

    #[fixture]
    pub(crate) fn db() -> u32 {
        1
    }

    #[fixture]
    pub(crate) async fn slow_db() -> u32 {
        10
    }
}

#[fixture]
fn db(#[from(base::db)] i: u32) -> u32 {
    i + 1
}

#[fixture]
async fn slow_db(#[from(base::slow_db)] i: u32) -> u32 {
    i + 1
}

#[testrig::test]
fn a_fixture_built_on_its_namesake_in_another_module_is_no_cycle(
    db: u32,
    #[from(db)] shared: &u32,
) {
    assert_eq!((db, *shared), (2, 2));
}

#[testrig::test]
#[tokio::test]
async fn the_same_in_async_code(slow_db: u32, db: u32) {
    assert_eq!((slow_db, db), (11, 2));
}

#[fixture]
async fn async_ping(async_pong: u32) -> u32 {
    async_pong
}

#[rustfmt::skip]
#[fixture] async fn async_pong(async_ping: u32) -> u32 { async_ping }
const ASYNC_PONG_LINE: u32 = line!() - 1;

#[testrig::test]
#[tokio::test]
#[should_panic(
    expected = "testrig: fixture cycle: integration::cycles::async_ping -> \
                           integration::cycles::async_pong -> integration::cycles::async_ping"
)]
async fn an_async_cycle_is_a_panic_naming_the_chain(async_ping: u32) {
    let _ = async_ping;
}

/// Runs `test` in a child and returns where its panic was raised.
fn panic_site(test: &str) -> String {
    let (_, text) = common::run_helper(test);
    assert!(text.contains("running 1 test"), "{text}");
    let at = text
        .split("panicked at ")
        .nth(1)
        .unwrap_or_else(|| panic!("no panic in:\n{text}"));
    at.split(':').take(2).collect::<Vec<_>>().join(":")
}

#[test]
fn an_async_cycle_is_reported_at_the_users_parameter() {
    assert_eq!(
        panic_site("cycles::an_async_cycle_is_a_panic_naming_the_chain"),
        format!("tests/integration/cycles.rs:{ASYNC_PONG_LINE}")
    );
}
