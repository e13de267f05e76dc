//! Many tests contending for one key, and many patching keys of their own. Run with
//! `--test-threads=16` (CI does): each test must only ever see its own value.

use std::time::Duration;

use testrig::env;

const SHARED: &str = "TESTRIG_STRESS_SHARED";

fn contend(me: &str) {
    for round in 0..5 {
        let value = format!("{me}-{round}");
        let _g = env::set(SHARED, &value);
        for _ in 0..3 {
            assert_eq!(
                std::env::var(SHARED).unwrap(),
                value,
                "saw another test's patch"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
    }
}

fn own_key(me: &str) {
    let key = format!("TESTRIG_STRESS_OWN_{me}");
    let _g = env::set(&key, me);
    std::thread::sleep(Duration::from_millis(2));
    assert_eq!(std::env::var(&key).unwrap(), me);
}

macro_rules! stress_tests {
    ($($name:ident)*) => {
        mod shared_key { $( #[test] fn $name() { super::contend(stringify!($name)); } )* }
        mod own_keys { $( #[test] fn $name() { super::own_key(stringify!($name)); } )* }
    };
}

stress_tests! {
    t00 t01 t02 t03 t04 t05 t06 t07 t08 t09 t10 t11 t12 t13 t14 t15 t16 t17 t18 t19
    t20 t21 t22 t23 t24 t25 t26 t27 t28 t29 t30 t31 t32 t33 t34 t35 t36 t37 t38 t39
}
