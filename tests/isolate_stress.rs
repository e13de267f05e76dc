//! 32 isolated tests at once: each child is a process of its own, so process-global state set
//! by one is never seen by another. The `plain_*` twins do the same work in-process; timing the
//! two groups gives the per-test cost of isolation (`cargo test --test isolate_stress isolated_`
//! against `... plain_`).

use testrig::isolate::isolated;

/// Process-global state the children race on: set by every test, so two tests sharing a
/// process would find the other's value.
static SHARED: std::sync::Mutex<Option<&'static str>> = std::sync::Mutex::new(None);

fn claim(name: &'static str) {
    let mut shared = SHARED.lock().unwrap();
    assert_eq!(
        *shared, None,
        "`{name}` found state left by another test in its process"
    );
    *shared = Some(name);
}

macro_rules! stress {
    ($($isolated:ident $plain:ident)*) => {$(
        #[test]
        fn $isolated() {
            isolated(|| claim(stringify!($isolated)));
        }

        #[test]
        fn $plain() {
            std::hint::black_box(stringify!($plain).len());
        }
    )*};
}

stress!(
    isolated_01 plain_01 isolated_02 plain_02 isolated_03 plain_03 isolated_04 plain_04
    isolated_05 plain_05 isolated_06 plain_06 isolated_07 plain_07 isolated_08 plain_08
    isolated_09 plain_09 isolated_10 plain_10 isolated_11 plain_11 isolated_12 plain_12
    isolated_13 plain_13 isolated_14 plain_14 isolated_15 plain_15 isolated_16 plain_16
    isolated_17 plain_17 isolated_18 plain_18 isolated_19 plain_19 isolated_20 plain_20
    isolated_21 plain_21 isolated_22 plain_22 isolated_23 plain_23 isolated_24 plain_24
    isolated_25 plain_25 isolated_26 plain_26 isolated_27 plain_27 isolated_28 plain_28
    isolated_29 plain_29 isolated_30 plain_30 isolated_31 plain_31 isolated_32 plain_32
);
