//! Fixture cycles are found by fixture (its path), not by name: two fixtures of one name in
//! different modules are no cycle. A real cycle between fixtures is a compile error at the
//! parameter that closes it (`tests/ui/fixture/cycle.rs`, `async_cycle.rs`, `params_cycle.rs`).

use testrig::prelude::*;

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
